// A durable subscriber's write must not be dropped because Postgres blinked (a restart, a
// failover, a full disk being cleared): it is tried again, with a growing pause, for as long as
// the failure is one that passes. The slot's next event waits meanwhile — that is what keeps the
// order, and the socket's own buffers hold what arrives.
import type { Logger } from 'pino';

export interface RetryOptions {
  /** Whether this failure may pass by itself (a lost connection, not a bad row). */
  isTransient: (err: unknown) => boolean;
  /** Give up (throw) after this long. */
  maxMs: number;
  log: Logger | undefined;
  what: string;
}

const FIRST_PAUSE_MS = 200;
const LONGEST_PAUSE_MS = 5_000;

export async function retryWhileTransient<T>(work: () => Promise<T>, opts: RetryOptions): Promise<T> {
  const deadline = Date.now() + opts.maxMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if (!opts.isTransient(err) || Date.now() >= deadline) throw err;
      const pause = Math.min(LONGEST_PAUSE_MS, FIRST_PAUSE_MS * 2 ** (attempt - 1));
      if (attempt === 1 || attempt % 10 === 0) opts.log?.warn({ err, attempt, pauseMs: pause }, `${opts.what} failed: the database is unavailable; retrying`);
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}
