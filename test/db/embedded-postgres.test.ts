// The zero-setup path: with no DATABASE_URL the daemon runs on PGlite under DATA_DIR, migrated at
// start, and what it stored is still there after a restart.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { compose } from '../../src/composition.js';
import { loadConfig } from '../../src/config/config.js';

const log = pino({ level: 'silent' });
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('embedded Postgres', () => {
  it('migrates on first open and keeps data across a restart', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'drin-embedded-'));
    dirs.push(dataDir);
    // No DATABASE_URL: the composition root opens the embedded database, as `npm start` does.
    const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, DRIN_API_KEY: 'a'.repeat(24), SECRETS_KEY: 's'.repeat(32) });

    const first = await compose(config, log);
    expect(first.database.embedded).toBe(true);
    const created = await first.services.stores.create('Persisted', { actor: 'admin' });
    await first.database.close();

    const { database: second, services } = await compose(config, log);
    try {
      expect((await services.stores.get(created.storeId)).name).toBe('Persisted');
      expect((await services.stores.authorize(created.storeId, created.apiKey)).storeId).toBe(created.storeId);
      const migrations = await second.pool.query('SELECT count(*)::int AS n FROM _prisma_migrations');
      expect(migrations.rows[0].n).toBeGreaterThan(0);
    } finally {
      await second.close();
    }
    // Two cold starts of PGlite: seconds each on a quiet machine, many more on a busy one.
  }, 120_000);
});
