// Opens the daemon's database: the server named by DATABASE_URL, or the embedded one. Migrations
// run here when configured, so `npm start` on a new machine just works.
import type { Logger } from 'pino';
import { ensureDatabaseExists } from './database-admin.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';
import { applyMigrations } from './migrator.js';
import pg from 'pg';
import { openConnections, type Db, type PoolTimeouts } from './prisma.js';

export interface Database {
  prisma: Db;
  pool: pg.Pool;
  url: string;
  embedded: boolean;
  close(): Promise<void>;
}

export async function openDatabase(
  opts: { databaseUrl: string | undefined; dataDir: string; poolMax: number; migrate: boolean } & PoolTimeouts,
  log: Logger,
): Promise<Database> {
  const embedded = opts.databaseUrl ? undefined : await startEmbeddedPostgres(opts.dataDir);
  const url = opts.databaseUrl ?? embedded!.url;
  try {
    if (embedded) {
      log.info({ dataDir: embedded.dataDir }, 'DATABASE_URL is unset: using the embedded Postgres (one daemon process only; set DATABASE_URL to share a server)');
    } else if (opts.migrate && (await ensureDatabaseExists(url))) {
      log.info('created the database named in DATABASE_URL');
    }
    if (embedded || opts.migrate) {
      const applied = await applyMigrations(url, log);
      log.info({ applied }, applied.length ? 'database migrated' : 'database schema is up to date');
    }
    // PGlite is one backend: a pool of one keeps its transactions from interleaving.
    // PGlite (ours, or one behind DATABASE_URL) is one backend for every connection: one pooled
    // connection, no named statements, one daemon process.
    const singleBackend = Boolean(embedded) || (await isPglite(url));
    if (singleBackend && !embedded) log.warn('DATABASE_URL points at a PGlite server: one daemon process only');
    const connections = openConnections(url, singleBackend ? 1 : opts.poolMax, {
      singleBackend,
      statementTimeoutMs: opts.statementTimeoutMs,
      connectTimeoutMs: opts.connectTimeoutMs,
      // Only what it says: pg hangs the whole client (its parameters, its statements) on the error.
      onIdleError: (err) => log.warn({ err: { message: err.message, code: (err as { code?: string }).code } }, 'an idle database connection failed; the pool replaces it'),
    });
    await connections.pool.query('SELECT 1');
    return {
      prisma: connections.prisma,
      pool: connections.pool,
      url,
      embedded: Boolean(embedded),
      async close() {
        await connections.close();
        await embedded?.stop();
      },
    };
  } catch (err) {
    await embedded?.stop();
    throw err;
  }
}

async function isPglite(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ version: string }>('SELECT version()');
    return /PGlite/.test(rows[0]?.version ?? '');
  } finally {
    await client.end();
  }
}
