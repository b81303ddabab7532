// When a failed POST to a store's URL is tried again. The schedule lives in the row
// (next_attempt_at), not in this process, so no retry library fits: the delay is one pure function.

const RETRY_CAP_MS = 60 * 60_000;

/** Delay before the retry that follows attempt `attempt` (1-based): base·2^(attempt−1), capped, in [½, 1] of that. */
export function retryDelayMs(attempt: number, baseMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(RETRY_CAP_MS, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
