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

/** One node-postgres pool shared by Prisma (through its driver adapter) and raw SQL. */
export function openConnections(databaseUrl: string, poolMax: number): Connections {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolMax });
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
