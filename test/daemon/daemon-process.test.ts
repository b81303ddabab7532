// The daemon as a process, the way a new user and PM2 run it.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
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
  it('migrates a new database, prints a generated admin key once, serves, and exits cleanly on SIGTERM', async () => {
    const env = { DATABASE_URL: database.url, DATA_DIR: dataDir };
    const first = await spawnDaemon(env);
    try {
      const key = /DRIN_API_KEY=(\S+)/.exec(first.output())?.[1];
      expect(key).toBeDefined();
      // Printed for the human once, never into the JSON log lines.
      const jsonLines = first.output().split('\n').filter((l) => l.startsWith('{'));
      expect(jsonLines.join('\n')).not.toContain(key!);
      expect(JSON.parse(await readFile(path.join(dataDir, 'dev-secrets.json'), 'utf8')).adminApiKey).toBe(key);

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
        expect(second.output()).not.toContain('DRIN_API_KEY=');
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
