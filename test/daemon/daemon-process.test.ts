// The daemon as a process, the way a new user and PM2 run it.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnDaemon } from '../support/daemon-process.js';
import { createBlankDatabase } from '../support/test-database.js';

let dataDir: string;
let database: Awaited<ReturnType<typeof createBlankDatabase>>;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'drin-daemon-'));
  database = await createBlankDatabase();
});
afterAll(async () => {
  await database.destroy();
  await rm(dataDir, { recursive: true, force: true });
});

describe('daemon process', () => {
  it('migrates a new database, keeps a generated admin key in a 0600 file (not in its output: not a terminal), serves, and exits cleanly on SIGTERM', async () => {
    const env = { DATABASE_URL: database.url, DATA_DIR: dataDir };
    const first = await spawnDaemon(env);
    try {
      const file = path.join(dataDir, 'dev-secrets.json');
      const key = JSON.parse(await readFile(file, 'utf8')).adminApiKey as string;
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      // stdout is a pipe here, as under PM2: the output says where the key is, never the key.
      expect(first.output()).toContain(`kept in ${file}`);
      expect(first.output()).not.toContain(key);

      expect((await fetch(`${first.url}/health`)).status).toBe(200);
      const created = await fetch(`${first.url}/api/admin/stores`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Process Store' }),
      });
      expect(created.status).toBe(201);
      const store = (await created.json()) as { storeId: string; apiKey: string };
      expect(await first.stop('SIGTERM')).toBe(0);

      const second = await spawnDaemon(env);
      try {
        expect(second.output()).not.toContain('admin key was generated');
        expect(second.output()).not.toContain(key);
        const res = await fetch(`${second.url}/api/stores/${store.storeId}`, { headers: { authorization: `Bearer ${store.apiKey}` } });
        expect(res.status).toBe(200);
        expect(await second.stop('SIGINT')).toBe(0);
      } finally {
        await second.stop('SIGKILL');
      }
    } finally {
      await first.stop('SIGKILL');
    }
  });

  it('refuses to start with a bad configuration, naming every bad key', async () => {
    await expect(spawnDaemon({ DATABASE_URL: 'mysql://nope', PORT: 'abc', DATA_DIR: dataDir }, 15_000)).rejects.toThrow(/exited with 78[\s\S]*PORT[\s\S]*DATABASE_URL|exited with 78[\s\S]*DATABASE_URL[\s\S]*PORT/);
  });
});
