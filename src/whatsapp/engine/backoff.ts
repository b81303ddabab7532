// Capped exponential backoff with full jitter (delay uniform in [0, min(cap, base·2^attempt)]),
// so hundreds of slots that lost the network together do not come back together.

export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt));
  // Never less than half the base: a retry storm of zero delays is what we are avoiding.
  return Math.max(policy.baseMs / 2, Math.round(random() * ceiling));
}
