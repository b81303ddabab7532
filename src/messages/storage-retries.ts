// How a durable subscriber's write to the store's records is tried again: while Postgres is
// unavailable (a restart, a failover, a full disk being cleared), and — inside that — when it lost
// a race on the contact or the open thread (the same person writing to two slots at once: the
// loser's transaction rolled back whole and finds the winner's rows on its next try).
import type { Logger } from 'pino';
import { retryWhileTransient } from '../events/durable-retry.js';
import { isDatabaseUnavailableError } from '../http/dependency-errors.js';

/**
 * How long a message's write is retried while Postgres is unreachable: the slot's later events
 * wait behind it, in memory, in order.
 */
export const STORAGE_RETRY_MS = 5 * 60_000;
const RACE_ATTEMPTS = 3;

const isUniqueViolation = (err: unknown) => (err as { code?: unknown } | null)?.code === 'P2002';

export function storeRetrying<T>(what: string, work: () => Promise<T>, log: Logger, context: Record<string, unknown>): Promise<T> {
  const racing = async () => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (err) {
        if (!isUniqueViolation(err) || attempt >= RACE_ATTEMPTS) throw err;
        log.debug({ ...context, attempt }, `${what} raced another write; retrying`);
      }
    }
  };
  return retryWhileTransient(racing, { isTransient: isDatabaseUnavailableError, maxMs: STORAGE_RETRY_MS, log, what });
}
