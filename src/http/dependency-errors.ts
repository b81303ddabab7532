// Failures of what the daemon depends on, told apart from our own bugs: Postgres (raw `pg`, or
// Prisma through @prisma/adapter-pg) and WhatsApp (Baileys throws @hapi/boom errors). A lost
// database or WhatsApp connection is a 503 the client may retry, a refused reference a 404/409,
// a value too long a 400 — never a 500 that reads as a defect. Messages are our own words: the
// originals can name tables, columns or WhatsApp stanzas, and stay in the log.
import { AppError, ErrorCode } from '../kernel/index.js';

type Loose = Record<string, unknown>;

const asObject = (v: unknown): Loose | undefined => (typeof v === 'object' && v !== null ? (v as Loose) : undefined);

/**
 * The error and everything it wraps: `cause` chains, Prisma's `meta.driverAdapterError` (whose
 * `cause` is the adapter's `{kind, code, originalCode}`), and AggregateError's `errors` (a
 * refused connection to `localhost` tries every address). Bounded, and safe against cycles.
 */
function* causes(err: unknown): Generator<Loose> {
  const seen = new Set<unknown>();
  const queue: unknown[] = [err];
  while (queue.length && seen.size < 16) {
    const item = asObject(queue.shift());
    if (!item || seen.has(item)) continue;
    seen.add(item);
    yield item;
    queue.push(item.cause, asObject(item.meta)?.driverAdapterError);
    if (Array.isArray(item.errors)) queue.push(...item.errors.slice(0, 4));
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Node socket errors: the server (or the network to it) is not there. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/** SQLSTATEs of a lost or refused connection, a server going down, or a statement cut short. */
function isUnavailableSqlState(code: string): boolean {
  return (
    code.startsWith('08') || // connection exception (08000, 08001, 08003, 08006, 08P01…)
    code === '57P01' || // admin_shutdown: the backend was terminated
    code === '57P02' || // crash_shutdown
    code === '57P03' || // cannot_connect_now: starting up or shutting down
    code === '57P05' || // idle_session_timeout
    code === '53300' || // too_many_connections
    code === '53000' || // insufficient_resources
    code === '53100' || // disk_full: writes fail until space is freed
    code === '57014' // query_canceled: statement_timeout
  );
}

/** Prisma's codes for an unreachable server, a pool or transaction that could not start in time. */
const PRISMA_UNAVAILABLE = new Set(['P1000', 'P1001', 'P1002', 'P1003', 'P1008', 'P1010', 'P1011', 'P1017', 'P2024', 'P2028', 'P2037']);

/** @prisma/driver-adapter-utils' error kinds for the same. */
const ADAPTER_UNAVAILABLE = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
  'TlsConnectionError',
  'AuthenticationFailed',
  'DatabaseDoesNotExist',
  'DatabaseAccessDenied',
  'TransactionAlreadyClosed',
]);

/** node-postgres and pg-pool raise these without a code. */
const PG_CONNECTION_MESSAGE =
  /^(Connection terminated|Client has encountered a connection error|Client was closed and is not queryable|timeout exceeded when trying to connect|Query read timeout|timeout expired)/;

function isDatabaseUnavailable(e: Loose): boolean {
  const code = str(e.code) ?? str(e.errorCode);
  if (code && (SOCKET_CODES.has(code) || PRISMA_UNAVAILABLE.has(code) || isUnavailableSqlState(code))) return true;
  const kind = str(e.kind);
  if (kind && ADAPTER_UNAVAILABLE.has(kind)) return true;
  const original = str(e.originalCode);
  if (original && isUnavailableSqlState(original)) return true;
  return code === undefined && PG_CONNECTION_MESSAGE.test(str(e.message) ?? '');
}

/** The SQLSTATE behind an error: pg's own `code`, or the adapter's `originalCode`. */
function sqlState(e: Loose): string | undefined {
  const code = str(e.originalCode) ?? str(e.code);
  return code && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** Postgres is down, unreachable, full or too busy: the same write may succeed if tried again. */
export function isDatabaseUnavailableError(err: unknown): boolean {
  return [...causes(err)].some(isDatabaseUnavailable);
}

/** What a 503 tells the client to wait, when nothing more precise is known. */
export const DEFAULT_RETRY_AFTER_SECONDS = 5;

/** A database failure the client can act on, or undefined when `err` is not one. */
/** A deadlock or serialization failure: the transaction lost to a concurrent one and may simply run again. */
export function isConcurrencyConflict(err: unknown): boolean {
  const chain = [...causes(err)];
  const states = chain.map(sqlState);
  return str(chain[0]?.code) === 'P2034' || states.includes('40001') || states.includes('40P01');
}

export function databaseErrorToAppError(err: unknown): AppError | undefined {
  const chain = [...causes(err)];
  if (isDatabaseUnavailableError(err)) {
    return new AppError(ErrorCode.SERVICE_UNAVAILABLE, 'The database is unavailable; try again shortly', undefined, { cause: err, retryAfterSeconds: DEFAULT_RETRY_AFTER_SECONDS });
  }
  const prisma = str(chain[0]?.code);
  const states = chain.map(sqlState);
  if (prisma === 'P2003' || states.includes('23503')) {
    // 23503 on insert/update: the parent is missing; on delete: children still point at it.
    const text = chain.map((e) => str(e.originalMessage) ?? str(e.message) ?? '').join('\n');
    return /update or delete on table/.test(text)
      ? new AppError(ErrorCode.CONFLICT, 'Other records still refer to this record', undefined, { cause: err })
      : new AppError(ErrorCode.NOT_FOUND, 'A record this request refers to does not exist', undefined, { cause: err });
  }
  if (prisma === 'P2000' || states.includes('22001')) {
    return new AppError(ErrorCode.BAD_REQUEST, 'A value is too long for its field', undefined, { cause: err });
  }
  if (isConcurrencyConflict(err)) {
    return new AppError(ErrorCode.CONFLICT, 'The record was changed at the same time; try again', undefined, { cause: err, retryAfterSeconds: 1 });
  }
  if (states.includes('22021') || states.includes('22P05')) {
    // NUL in text, or a \u0000 escape in jsonb.
    return new AppError(ErrorCode.BAD_REQUEST, 'A value has characters that cannot be stored', undefined, { cause: err });
  }
  if (prisma === 'P2007' || states.includes('22P02')) {
    // Invalid text for the column's type: in jsonb, an unpaired surrogate escape.
    return new AppError(ErrorCode.BAD_REQUEST, 'A value is not in a form the database accepts', undefined, { cause: err });
  }
  if (prisma === 'P2002' || states.includes('23505')) return new AppError(ErrorCode.CONFLICT, 'A record with these values already exists', undefined, { cause: err });
  if (prisma === 'P2025') return new AppError(ErrorCode.NOT_FOUND, 'The record does not exist', undefined, { cause: err });
  return undefined;
}

interface BoomLike {
  isBoom: true;
  message: string;
  output: { statusCode: number };
}

function isBoom(err: unknown): err is BoomLike {
  const e = asObject(err);
  return e?.isBoom === true && typeof asObject(e.output)?.statusCode === 'number';
}

/**
 * A WhatsApp failure thrown by Baileys from a command. Its statuses are Baileys' DisconnectReason
 * (408 timed out / connection lost, 428 connection closed, 440 replaced, 401 logged out, 503…)
 * or the code of a refused WhatsApp query.
 */
export function whatsappErrorToAppError(err: unknown): AppError | undefined {
  return isBoom(err) ? whatsappStatusToAppError(err.output.statusCode, err) : undefined;
}

/**
 * The same from the status alone: for a command that failed in another process, whose Boom
 * reached this one only as the status recorded with the command.
 */
export function whatsappStatusToAppError(status: number, err?: unknown): AppError {
  const cause = { cause: err };
  switch (status) {
    case 400:
      return new AppError(ErrorCode.BAD_REQUEST, 'WhatsApp refused the request as malformed', undefined, cause);
    case 401:
      return new AppError(ErrorCode.CONFLICT, 'WhatsApp refused the request: the slot is not logged in', undefined, cause);
    case 404:
      return new AppError(ErrorCode.NOT_FOUND, 'WhatsApp does not know what the request refers to', undefined, cause);
    case 429:
      return new AppError(ErrorCode.RATE_LIMITED, 'WhatsApp is rate-limiting this number; try again later', undefined, { ...cause, retryAfterSeconds: 60 });
    case 440:
      return new AppError(ErrorCode.CONFLICT, 'Another WhatsApp Web session replaced this one', undefined, cause);
  }
  if (status === 408 || status === 428 || status >= 500) {
    return new AppError(ErrorCode.SERVICE_UNAVAILABLE, 'The WhatsApp connection is not available; try again shortly', undefined, { ...cause, retryAfterSeconds: DEFAULT_RETRY_AFTER_SECONDS });
  }
  return new AppError(ErrorCode.CONFLICT, `WhatsApp refused the request (status ${status})`, undefined, cause);
}

/** What a log line may say about a wrapped dependency error (its data can hold WhatsApp nodes). */
export function causeSummary(err: unknown): Record<string, unknown> {
  const e = asObject(err) ?? {};
  const output = asObject(e.output);
  return {
    name: str(e.name),
    message: str(e.message)?.slice(0, 300),
    ...(str(e.code) ? { code: e.code } : {}),
    ...(output ? { statusCode: output.statusCode } : {}),
  };
}
