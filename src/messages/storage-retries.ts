// How a durable subscriber's write to the store's records is tried again: while Postgres is
// unavailable (a restart, a failover, a full disk being cleared), and — inside that — when it lost
// a race on the contact or the open thread (the same person writing to two slots at once, or a
// contact merge deleting the contact it found: the loser's transaction rolled back whole and finds
// the rows as they are on its next try).
import type { Logger } from 'pino';
import { retryWhileTransient } from '../events/durable-retry.js';
import { isDatabaseUnavailableError } from '../http/dependency-errors.js';

/**
 * How long a message's write is retried while Postgres is unreachable: the slot's later events
 * wait behind it, in memory, in order.
 */
export const STORAGE_RETRY_MS = 5 * 60_000;
const RACE_ATTEMPTS = 3;

/**
 * A lost race: a unique index took another writer's row first (P2002), or the contact the write
 * found was merged into another and deleted before the write landed (P2003, its foreign key;
 * a contact merge). Either way the next try finds the rows as they are now.
 */
const lostRace = (err: unknown) => ['P2002', 'P2003'].includes((err as { code?: unknown } | null)?.code as string);

/**
 * Runs a transaction that finds-or-creates the contact and its thread again when it lost such a
 * race (up to three tries): the inbound paths, and a send's enqueue (two first messages to one new
 * number at once both found no contact, and the second insert met the first's row).
 */
export async function retryingLostRaces<T>(work: () => Promise<T>, onRetry?: (attempt: number) => void): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if (!lostRace(err) || attempt >= RACE_ATTEMPTS) throw err;
      onRetry?.(attempt);
    }
  }
}

export function storeRetrying<T>(what: string, work: () => Promise<T>, log: Logger, context: Record<string, unknown>): Promise<T> {
  const racing = () => retryingLostRaces(work, (attempt) => log.debug({ ...context, attempt }, `${what} raced another write; retrying`));
  return retryWhileTransient(racing, { isTransient: isDatabaseUnavailableError, maxMs: STORAGE_RETRY_MS, log, what });
}
