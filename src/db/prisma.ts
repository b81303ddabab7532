import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.js';

export type Db = PrismaClient;
/** The namespace's values too: Prisma.sql fragments shared by a repo's raw statements. */
export { Prisma } from '../generated/prisma/client.js';

export interface Connections {
  /** Prisma for the domain repositories. */
  prisma: Db;
  /**
   * The same pool, raw: for hot paths where one hand-written statement beats the ORM (auth keys),
   * and for advisory locks and LISTEN/NOTIFY.
   */
  pool: pg.Pool;
  close(): Promise<void>;
}

export interface PoolTimeouts {
  /** Server-side statement_timeout of every pooled connection (Postgres cancels with 57014). */
  statementTimeoutMs?: number;
  /** Longest wait for a pooled connection: the pool is exhausted, or a new connection does not open. */
  connectTimeoutMs?: number;
}

export const DEFAULT_POOL_TIMEOUTS = { statementTimeoutMs: 30_000, connectTimeoutMs: 5_000 } as const;

/**
 * One node-postgres pool shared by Prisma (through its driver adapter) and raw SQL.
 * `singleBackend`: the embedded PGlite serves every connection from one backend, so a named
 * prepared statement made by one connection already exists for the next ("prepared statement …
 * already exists"). There, queries run unnamed; the hot paths keep their names on a real server.
 */
export function openConnections(
  databaseUrl: string,
  poolMax: number,
  opts: { singleBackend?: boolean; onIdleError?: (err: Error) => void } & PoolTimeouts = {},
): Connections {
  // Both bounds keep a stuck query or a starved pool from holding a request (and the process) for
  // ever; what they throw maps to 503 in the error middleware (src/http/dependency-errors.ts). The server
  // enforces statement_timeout, so the connection stays usable after a cancel — unlike pg's
  // client-side query_timeout, which gives up on the answer but leaves the query running on that
  // connection. The advisory-lock connection (slot-locks) is its own pg.Client, not bounded here.
  // The embedded PGlite neither takes the startup parameter nor enforces a SET statement_timeout
  // (one wasm backend, no timer interrupt): there only the acquire timeout holds.
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: poolMax,
    connectionTimeoutMillis: opts.connectTimeoutMs ?? DEFAULT_POOL_TIMEOUTS.connectTimeoutMs,
    statement_timeout: opts.statementTimeoutMs ?? DEFAULT_POOL_TIMEOUTS.statementTimeoutMs,
  });
  if (opts.singleBackend) withoutStatementNames(pool);
  // An idle client's error (server restart, network blip) must not crash the process; the pool
  // drops that client and the next query opens a new one. It is still worth a log line.
  pool.on('error', (err) => opts.onIdleError?.(err));
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    prisma,
    pool,
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

function withoutStatementNames(pool: pg.Pool): void {
  const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  pool.query = ((config: unknown, ...rest: unknown[]) => {
    if (config && typeof config === 'object' && 'name' in config) {
      const { name: _name, ...unnamed } = config as pg.QueryConfig;
      return query(unnamed, ...rest);
    }
    return query(config, ...rest);
  }) as typeof pool.query;
}
