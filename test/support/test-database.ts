// Every test file gets a database of its own, so files run in parallel without sharing rows.
// With a Postgres server (TEST_DATABASE_URL, default the local one) a file's database is a copy
// of a migrated template (fast); with no server reachable, each file runs its own embedded
// Postgres in a temp folder.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dropDatabase, ensureDatabaseExists, withDatabaseName } from '../../src/db/database-admin.js';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres.js';
import { applyMigrations } from '../../src/db/migrator.js';
import type pg from 'pg';
import { openConnections, type Db } from '../../src/db/prisma.js';

export const TEMPLATE_ENV = 'DRIN_TEST_TEMPLATE_URL';

export interface TestDatabase {
  url: string;
  prisma: Db;
  /** The raw pool under prisma (what the daemon's hot paths use). */
  pool: pg.Pool;
  /** Disconnects and removes the database. */
  destroy(): Promise<void>;
}

/** Creates an empty, unmigrated database of the file's own (for migration tests). */
export async function createBlankDatabase(): Promise<{ url: string; destroy(): Promise<void> }> {
  const template = process.env[TEMPLATE_ENV];
  if (template) {
    const url = withDatabaseName(template, `drin_t_${randomBytes(6).toString('hex')}`);
    await ensureDatabaseExists(url);
    return { url, destroy: () => dropDatabase(url) };
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'drin-pglite-'));
  const embedded = await startEmbeddedPostgres(dir);
  return {
    url: embedded.url,
    async destroy() {
      await embedded.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Creates a migrated database of the file's own. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const template = process.env[TEMPLATE_ENV];
  let blank: { url: string; destroy(): Promise<void> };
  if (template) {
    const url = withDatabaseName(template, `drin_t_${randomBytes(6).toString('hex')}`);
    await ensureDatabaseExists(url, new URL(template).pathname.slice(1));
    blank = { url, destroy: () => dropDatabase(url) };
  } else {
    blank = await createBlankDatabase();
    await applyMigrations(blank.url);
  }
  // A test's own reads wait for a connection as long as a loaded machine needs (the daemon's 5 s is for requests).
  const connections = openConnections(blank.url, template ? 5 : 1, { singleBackend: !template, connectTimeoutMs: 30_000 });
  return {
    url: blank.url,
    prisma: connections.prisma,
    pool: connections.pool,
    async destroy() {
      await connections.close();
      await blank.destroy();
    },
  };
}
