import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.js';

export type Db = PrismaClient;
export type { Prisma } from '../generated/prisma/client.js';

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

/**
 * One node-postgres pool shared by Prisma (through its driver adapter) and raw SQL.
 * `singleBackend`: the embedded PGlite serves every connection from one backend, so a named
 * prepared statement made by one connection already exists for the next ("prepared statement …
 * already exists"). There, queries run unnamed; the hot paths keep their names on a real server.
 */
export function openConnections(databaseUrl: string, poolMax: number, opts: { singleBackend?: boolean } = {}): Connections {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolMax });
  if (opts.singleBackend) withoutStatementNames(pool);
  // An idle client's error (server restart, network blip) must not crash the process; the pool
  // drops that client and the next query opens a new one.
  pool.on('error', () => {});
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
