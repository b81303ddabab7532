// The daemon under PM2, the way the VPS runs it: ecosystem.config.js starts the built daemon,
// PM2 reports it online, /health answers, `pm2 reload` brings up a new process once it says it is
// ready (wait_ready), and `pm2 stop` (SIGINT) ends it cleanly.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { ADMIN_KEY, SECRETS_KEY } from '../support/daemon-env.js';
import { createBlankDatabase } from '../support/test-database.js';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
const PM2 = path.join(ROOT, 'node_modules/.bin/pm2');
let pm2Home: string;
let database: Awaited<ReturnType<typeof createBlankDatabase>>;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  await run('npm', ['run', 'build'], { cwd: ROOT });
  pm2Home = await mkdtemp(path.join(tmpdir(), 'drin-pm2-'));
  database = await createBlankDatabase();
  env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PM2_HOME: pm2Home,
    DATABASE_URL: database.url,
    DATA_DIR: path.join(pm2Home, 'data'),
    DRIN_API_KEY: ADMIN_KEY,
    SECRETS_KEY,
    PORT: '0',
    // Production refreshes the WhatsApp Web version from web.whatsapp.com at boot: never in a test.
    WA_WEB_VERSION_REFRESH: 'false',
  };
}, 120_000);

afterAll(async () => {
  await run(PM2, ['kill'], { env }).catch(() => undefined);
  await database.destroy();
  await rm(pm2Home, { recursive: true, force: true });
});

async function pm2List(): Promise<Array<{ name: string; pid: number; pm2_env: { status: string; restart_time: number; pm_out_log_path: string; NODE_ENV?: string; wait_ready?: boolean } }>> {
  const { stdout } = await run(PM2, ['jlist'], { env });
  return JSON.parse(stdout);
}

async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

it('runs under PM2 from ecosystem.config.js, production by default, and stops cleanly', async () => {
  // No --env: the process file's default must be production.
  await run(PM2, ['start', 'ecosystem.config.js'], { cwd: ROOT, env });
  const [app] = await pm2List();
  expect(app).toMatchObject({ name: 'drin', pm2_env: { status: 'online', NODE_ENV: 'production' } });

  const log = app!.pm2_env.pm_out_log_path;
  const url = await waitFor('the listening line', async () => /"url":"(http:[^"]+)".*drin is listening/.exec(await readFile(log, 'utf8').catch(() => ''))?.[1]);
  const health = await fetch(`${url}/health`);
  expect(health.status).toBe(200);
  expect(await readFile(log, 'utf8')).not.toContain(ADMIN_KEY);

  // A reload replaces the process with one that said it is ready (wait_ready) and serves again.
  const before = (await pm2List())[0]!;
  expect(before.pm2_env).toMatchObject({ wait_ready: true });
  await run(PM2, ['reload', 'drin'], { env });
  const reloaded = (await pm2List())[0]!;
  expect(reloaded.pid).not.toBe(before.pid);
  expect(reloaded.pm2_env.status).toBe('online');
  const urls = await waitFor('the second listening line', async () => {
    const all = [...(await readFile(log, 'utf8')).matchAll(/"url":"(http:[^"]+)".*drin is listening/g)].map((m) => m[1]!);
    return all.length >= 2 ? all : undefined;
  });
  expect((await fetch(`${urls.at(-1)}/health`)).status).toBe(200);

  await run(PM2, ['stop', 'drin'], { env });
  await waitFor('the clean stop', async () => ((await readFile(log, 'utf8')).includes('"msg":"stopped"') ? true : undefined), 15_000);
  const [stopped] = await pm2List();
  expect(stopped).toMatchObject({ pm2_env: { status: 'stopped' } });
}, 90_000);
