// Recognises the database giving up on a request in time — a statement cancelled by
// statement_timeout, or no pooled connection within the acquire timeout — so the error
// middleware answers 503 (retry later) instead of a 500 that reads like a bug.
// The error arrives raw from pg (hot paths on the pool) or wrapped by Prisma's driver adapter
// (`meta.driverAdapterError.cause.code`), or as the pool's plain Error through either.

/** SQLSTATE 57014 query_canceled: statement_timeout fired (or an operator cancelled it). */
const QUERY_CANCELED = '57014';

/** What pg-pool and pg's Client throw when no connection comes in time. */
const ACQUIRE_TIMEOUT = /timeout exceeded when trying to connect|Connection terminated due to connection timeout/;

export function isDatabaseTimeout(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const candidate = e as { code?: unknown; message?: unknown; meta?: { driverAdapterError?: { cause?: { code?: unknown } } }; cause?: unknown };
    if (candidate.code === QUERY_CANCELED) return true;
    if (candidate.meta?.driverAdapterError?.cause?.code === QUERY_CANCELED) return true;
    if (typeof candidate.message === 'string' && ACQUIRE_TIMEOUT.test(candidate.message)) return true;
    e = candidate.cause;
  }
  return false;
}
