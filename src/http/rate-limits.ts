// Rate limits and caps of the HTTP API, counted in Postgres (rate_limits, event_stream_leases) so
// every daemon process behind Nginx shares one count. Past a limit: 429 RATE_LIMITED in the one
// error shape, with Retry-After (set by the error middleware from the error) and the same number
// in details.retryAfterSeconds.
//
// When the database cannot answer, each limiter falls back to an in-memory one with the same
// allowance (rate-limiter-flexible's insuranceLimiter): the limit then holds per process, not in
// total, until Postgres is back — better than refusing everything or limiting nothing.
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler } from 'express';
import type pg from 'pg';
import type { Logger } from 'pino';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes, type IRateLimiterOptions } from 'rate-limiter-flexible';
import type { RateLimitSettings } from '../config/config.js';
import { AppError, ErrorCode } from '../kernel/index.js';
import { EventStreamLeases, LEASE_TTL_MS } from './event-stream-leases.repo.js';

export interface RateLimits {
  /** Store routes, before authentication: requests per minute from one IP. */
  perIp: RequestHandler;
  /** After requireStoreKey: requests per minute under one store's key (counted per store). */
  perStoreKey: RequestHandler;
  /** Before any credential check: refuses an IP that failed authentication too often. */
  failedAuth: RequestHandler;
  /** An error middleware in front of the main one: counts each request that ended in 401. */
  recordFailedAuth: ErrorRequestHandler;
  /** Admin routes, before authentication: requests per minute from one IP. */
  admin: RequestHandler;
  /** After requireStoreKey on QR / pairing-code starts: starts per slot per window. */
  sessionStart: RequestHandler;
  /** After requireStoreKey on the event stream: streams open at once per store. */
  eventStream: RequestHandler;
  close(): void;
}

const TABLE = 'rate_limits';
const pass: RequestHandler = (_req, _res, next) => next();

/**
 * `auth` then `limit`, as the one handler a route file passes where it passed `auth` alone (so
 * every route behind requireStoreKey is limited without touching each route). Errors of either,
 * thrown or rejected, go to Express's error chain as they would from a route's own handlers.
 */
export function withLimit(auth: RequestHandler, limit: RequestHandler | undefined): RequestHandler {
  if (!limit) return auth;
  return (req, res, next) => {
    const run = (handler: RequestHandler, after: NextFunction) => {
      try {
        Promise.resolve(handler(req, res, after)).catch(next);
      } catch (err) {
        next(err);
      }
    };
    run(auth, (err?: unknown) => (err ? next(err) : run(limit, next)));
  };
}

/** The 429 to throw; the error middleware sends its Retry-After. */
export function rateLimited(msBeforeNext: number, message: string): AppError {
  const retryAfterSeconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  // The error middleware turns retryAfterSeconds into the Retry-After header.
  return new AppError(ErrorCode.RATE_LIMITED, message, { retryAfterSeconds }, { retryAfterSeconds });
}

function clientIp(req: Request): string {
  // req.ip honours TRUST_PROXY: behind Nginx it is the client from X-Forwarded-For.
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

export function createRateLimits(deps: { pool: pg.Pool; config: RateLimitSettings; logger: Logger }): RateLimits {
  const { config } = deps;
  const log = deps.logger.child({ component: 'rate-limits' });
  let lastFallbackWarning = 0;
  const warnFallback = () => {
    if (Date.now() - lastFallbackWarning < 60_000) return;
    lastFallbackWarning = Date.now();
    log.warn('the database did not answer a rate-limit check: counting in this process only until it does');
  };
  const limiters: RateLimiterPostgres[] = [];

  function limiter(keyPrefix: string, points: number, duration: number): RateLimiterPostgres {
    const opts: IRateLimiterOptions = { keyPrefix, points, duration };
    const created = new RateLimiterPostgres({
      ...opts,
      storeClient: deps.pool,
      storeType: 'pool',
      tableName: TABLE,
      // The table comes from a Prisma migration, so the schema stays the one source of truth.
      tableCreated: true,
      // One limiter purging expired rows every five minutes is enough for the shared table.
      clearExpiredByTimeout: limiters.length === 0,
      insuranceLimiter: new FallbackMemoryLimiter(opts, warnFallback),
    });
    limiters.push(created);
    return created;
  }

  function consumeBy(keyPrefix: string, points: number, duration: number, keyOf: (req: Request) => string, message: string): RequestHandler {
    if (points === 0) return pass;
    const limit = limiter(keyPrefix, points, duration);
    return async (req, res, next) => {
      try {
        await limit.consume(keyOf(req));
      } catch (err) {
        if (err instanceof RateLimiterRes) throw rateLimited(err.msBeforeNext, message);
        throw err;
      }
      next();
    };
  }

  const failures = config.authFailures > 0 ? limiter('auth-fail', config.authFailures, config.authWindowSec) : undefined;

  const failedAuth: RequestHandler = !failures
    ? pass
    : async (req, res, next) => {
        const seen = await failures.get(clientIp(req));
        if (seen && seen.consumedPoints >= config.authFailures) {
          throw rateLimited(seen.msBeforeNext, 'Too many failed authentications from this address; retry later');
        }
        next();
      };

  const recordFailedAuth: ErrorRequestHandler = async (err, req, _res, next) => {
    if (failures && err instanceof AppError && err.code === ErrorCode.UNAUTHORIZED) {
      const ip = clientIp(req);
      let consumed: number;
      try {
        consumed = (await failures.consume(ip)).consumedPoints;
      } catch (e) {
        if (!(e instanceof RateLimiterRes)) {
          log.warn({ err: e }, 'could not count a failed authentication');
          return next(err);
        }
        consumed = e.consumedPoints;
      }
      // The last allowed failure starts the block, so the next request is refused whatever its key.
      if (consumed >= config.authFailures) {
        await failures.block(ip, config.authBlockSec).catch((e: unknown) => log.warn({ err: e }, 'could not block an address'));
        log.warn({ ip, failures: consumed }, 'address blocked after repeated failed authentications');
      }
    }
    next(err);
  };

  const leases = config.streamsPerStore > 0 ? new EventStreamLeases(deps.pool, config.streamsPerStore, log) : undefined;
  const eventStream: RequestHandler = !leases
    ? pass
    : async (req, res, next) => {
        let closed = false;
        res.once('close', () => (closed = true));
        const release = await leases.acquire(String(req.params.storeId));
        if (!release) throw rateLimited(LEASE_TTL_MS, `At most ${config.streamsPerStore} event streams may be open at once per store`);
        if (closed) release();
        else res.once('close', release);
        next();
      };

  return {
    perIp: consumeBy('ip', config.ipPerMin, 60, clientIp, 'Too many requests from this address; retry later'),
    perStoreKey: consumeBy('store', config.storeKeyPerMin, 60, (req) => String(req.params.storeId), 'Too many requests for this store; retry later'),
    admin: consumeBy('admin-ip', config.adminPerMin, 60, clientIp, 'Too many admin requests from this address; retry later'),
    sessionStart: consumeBy(
      'slot-start',
      config.sessionStarts,
      config.sessionStartWindowSec,
      (req) => `${String(req.params.storeId)}:${String(req.params.slot)}`,
      'Too many QR or pairing-code starts for this slot; retry later',
    ),
    failedAuth,
    recordFailedAuth,
    eventStream,
    close() {
      leases?.close();
      // The library keeps its purge timer private; it is unref'd, this only makes shutdown tidy.
      for (const l of limiters) clearTimeout((l as unknown as { _clearExpiredTimeoutId?: NodeJS.Timeout })._clearExpiredTimeoutId);
    },
  };
}

/** The in-memory stand-in used while Postgres is unreachable; says so in the log (at most once a minute). */
class FallbackMemoryLimiter extends RateLimiterMemory {
  constructor(
    opts: IRateLimiterOptions,
    private readonly onUse: () => void,
  ) {
    super(opts);
  }

  override consume(...args: Parameters<RateLimiterMemory['consume']>) {
    this.onUse();
    return super.consume(...args);
  }

  override get(...args: Parameters<RateLimiterMemory['get']>) {
    this.onUse();
    return super.get(...args);
  }

  override block(...args: Parameters<RateLimiterMemory['block']>) {
    this.onUse();
    return super.block(...args);
  }
}
