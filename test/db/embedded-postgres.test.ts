// The zero-setup path: with no DATABASE_URL the daemon runs on PGlite under DATA_DIR, migrated at
// start, and what it stored is still there after a restart.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { openDatabase } from '../../src/db/database.js';
import { createServices } from '../../src/services.js';

const log = pino({ level: 'silent' });
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('embedded Postgres', () => {
  it('migrates on first open and keeps data across a restart', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'drin-embedded-'));
    dirs.push(dataDir);
    const opts = { databaseUrl: undefined, dataDir, poolMax: 5, migrate: true };

    const first = await openDatabase(opts, log);
    expect(first.embedded).toBe(true);
    const created = await createServices(first.prisma, 's'.repeat(32)).stores.create('Persisted', { actor: 'admin' });
    await first.close();

    const second = await openDatabase(opts, log);
    try {
      const services = createServices(second.prisma, 's'.repeat(32));
      expect((await services.stores.get(created.storeId)).name).toBe('Persisted');
      expect((await services.stores.authorize(created.storeId, created.apiKey)).storeId).toBe(created.storeId);
      const migrations = await second.pool.query('SELECT count(*)::int AS n FROM _prisma_migrations');
      expect(migrations.rows[0].n).toBeGreaterThan(0);
    } finally {
      await second.close();
    }
  });
});
