/**
 * Every wait in the simulator has a deadline: a test that waits for something that never comes
 * must fail with a message that names what it waited for, never hang until jest's own timeout.
 */
export const DEFAULT_WAIT_MS = 20_000;

export class WaitTimeoutError extends Error {
  constructor(what: string, timeoutMs: number) {
    super(`timed out after ${timeoutMs} ms waiting for ${what}`);
    this.name = 'WaitTimeoutError';
  }
}

/** Resolves or rejects like `promise`, or rejects with WaitTimeoutError after `timeoutMs`. */
export function withDeadline<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new WaitTimeoutError(what, timeoutMs)), timeoutMs);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Polls `check` until it returns something other than undefined. */
export async function pollUntil<T>(
  check: () => T | undefined,
  what: string,
  { timeoutMs = DEFAULT_WAIT_MS, intervalMs = 20 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const giveUpAt = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() >= giveUpAt) throw new WaitTimeoutError(what, timeoutMs);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
