// `npm run cli -- doctor` against real databases: a migrated one passes (exit 0); one never
// migrated fails the migrations check (exit 1); --url checks the site's /health and that
// /metrics is not public (the daemon itself serves /metrics, so through no Nginx it warns).
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { startAppHarness, type AppHarness } from '../support/app-harness.js';
import { createBlankDatabase } from '../support/test-database.js';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
let h: AppHarness;
let blank: Awaited<ReturnType<typeof createBlankDatabase>>;
let dataDir: string;

beforeAll(async () => {
  h = await startAppHarness();
  blank = await createBlankDatabase();
  dataDir = await mkdtemp(path.join(tmpdir(), 'drin-doctor-'));
});
afterAll(async () => {
  await h?.close();
  await blank?.destroy();
  await rm(dataDir, { recursive: true, force: true });
});

type Check = { check: string; status: string; detail: string };
async function doctor(databaseUrl: string, ...args: string[]): Promise<{ code: number; checks: Check[] }> {
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, PM2_HOME: path.join(dataDir, 'pm2'), DATABASE_URL: databaseUrl, DATA_DIR: dataDir, SECRETS_KEY: 'c'.repeat(32), DRIN_API_KEY: 'a'.repeat(32), WA_WEB_VERSION_REFRESH: 'false' };
  const argv = ['--experimental-wasm-modules', '--disable-warning=ExperimentalWarning', '--import', 'tsx', 'src/cli/main.ts', 'doctor', '--json', ...args];
  try {
    const { stdout } = await run(process.execPath, argv, { cwd: ROOT, env });
    return { code: 0, checks: JSON.parse(stdout) };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    if (!e.stdout) throw new Error(`doctor exited ${e.code}: ${e.stderr}`);
    return { code: e.code, checks: JSON.parse(e.stdout) };
  }
}

const byName = (checks: Check[]) => Object.fromEntries(checks.map((c) => [c.check, c]));

it('passes on a migrated database and names each check', async () => {
  const { code, checks } = await doctor(h.db.url, '--url', h.baseUrl);
  const c = byName(checks);
  expect(Object.keys(c)).toEqual(['database', 'migrations', 'clock', 'disk', 'pm2', 'nginx', 'whatsapp-version']);
  expect([c.database!.status, c.migrations!.status, c.clock!.status]).toEqual(['ok', 'ok', 'ok']);
  expect(c.migrations!.detail).toMatch(/^all \d+ applied$/);
  expect(c.disk!.status).not.toBe('fail');
  // No PM2 daemon in this PM2_HOME: nothing named drin runs.
  expect(['warn', 'skipped']).toContain(c.pm2!.status);
  // Straight at the daemon, /metrics answers: the check says to keep it behind nginx/drin.conf.
  expect(c.nginx).toMatchObject({ status: 'warn', detail: expect.stringMatching(/metrics is public/) });
  expect(c['whatsapp-version']).toMatchObject({ status: 'ok', detail: expect.stringMatching(/^Baileys 7\.0\.0-rc\.?14 announces WhatsApp Web \d+\.\d+\.\d+/) });
  expect(code).toBe(0);
}, 120_000);

it('fails, exit 1, on a database never migrated, and on a site that does not answer', async () => {
  const { code, checks } = await doctor(blank.url, '--url', 'http://127.0.0.1:9');
  const c = byName(checks);
  expect(c.database!.status).toBe('ok');
  expect(c.migrations).toMatchObject({ status: 'fail', detail: expect.stringMatching(/never migrated: run npm run db:migrate/) });
  expect(c.nginx!.status).toBe('fail');
  expect(code).toBe(1);
}, 120_000);
