// The daemon under PM2, the way the VPS runs it: ecosystem.config.js starts the built daemon,
// PM2 reports it online, /health answers, `pm2 reload` brings up a new process once it says it is
// ready (wait_ready), and `pm2 stop` (SIGINT) ends it cleanly. Then a reload in the middle of
// traffic: 300 messages from simulator contacts and 50 sends through the HTTP API, each stored
// once and sent once, the slot back without a QR.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { ADMIN_KEY, SECRETS_KEY, daemonEnv } from '../support/daemon-env.js';
import { eventually } from '../support/eventually.js';
import { duplicateKeys, inboundCount, inboundRows, startBurst } from '../support/inbound-burst.js';
import { jsonRequest } from '../support/json-request.js';
import { linkedStoreOver } from '../support/link-slot.js';
import { createBlankDatabase, createTestDatabase } from '../support/test-database.js';
import { useSimulatorSuite } from '../wa-sim/simulator-suite.js';

const run = promisify(execFile);
const suite = useSimulatorSuite();
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

it('a reload in the middle of 300 inbound messages and 50 sends: every message stored once, every send sent once, no QR', async () => {
  const db = await createTestDatabase();
  try {
    // A second app under the same name, on the simulator (development: the simulator's settings are refused in production).
    await run(PM2, ['delete', 'drin'], { env }).catch(() => undefined);
    // The log file is the app name's, so the first test's lines are in it: count from here.
    const logPath = path.join(pm2Home, 'logs', 'drin-out.log');
    const earlier = (await readFile(logPath, 'utf8').catch(() => '')).split('drin is listening').length - 1;
    const appEnv = { ...env, ...daemonEnv(suite.sim, db, path.join(pm2Home, 'reload-data'), { LOG_LEVEL: 'info' }), NODE_ENV: 'development' };
    await run(PM2, ['start', 'ecosystem.config.js', '--env', 'development'], { cwd: ROOT, env: appEnv });
    const log = (await pm2List())[0]!.pm2_env.pm_out_log_path;
    const listening = async (n: number) =>
      waitFor(`listening line ${n}`, async () => {
        const urls = [...(await readFile(log, 'utf8').catch(() => '')).matchAll(/"url":"(http:[^"]+)".*drin is listening/g)].map((m) => m[1]!);
        return urls.length >= n ? urls[n - 1] : undefined;
      }, 120_000);
    expect(log).toBe(logPath);
    const before = await listening(earlier + 1);
    const store = await linkedStoreOver(before, suite.sim, ADMIN_KEY, 'Reload Store', '5511955559001');
    const phone = suite.sim.phone('5511955559001');
    const contacts = Array.from({ length: 3 }, (_, i) => phone.contact(`55119888890${10 + i}`, { pushName: `Reload ${i}` }));

    // The sends: an Idempotency-Key each, retried (as any client would) while the daemon is away.
    let url = before;
    const sendOnce = async (i: number) => {
      for (;;) {
        const res = await jsonRequest(url, 'POST', `/api/whatsapp/${store.storeId}/messages`, { key: store.apiKey, headers: { 'idempotency-key': `reload-${i}` }, body: { to: '+5511988889010', type: 'text', text: `send ${i}` } }).catch(() => null);
        if (res && (res.status === 202 || res.status === 200)) return res.body.id as string;
        // Only the daemon being away (no answer, 502/503 from a proxy) is worth a retry.
        if (res && res.status !== 502 && res.status !== 503) throw new Error(`send ${i} refused: ${res.status} ${JSON.stringify(res.body)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    // Fifty to one contact in a few minutes is past the governor's defaults (and its typing pauses): lifted for the test.
    const policy = await jsonRequest(before, 'PATCH', `/api/whatsapp/${store.storeId}/send-settings`, {
      key: store.apiKey,
      body: { sendPolicy: { perSlotPerMinute: 600, perContactPerHour: 1000, typingMsPerChar: 0, typingMinMs: 0, typingMaxMs: 0 } },
    });
    expect(policy.status).toBe(200);
    const phase = (what: string) => process.stdout.write(`pm2 reload test: ${what}\n`);
    phase('linked; burst starts');
    const burst = startBurst(contacts, 100, { prefix: 'reload' });
    // The contact sent to has written first: no hold on a chat it never opened.
    await eventually(() => inboundCount(db.pool, [store.storeId]), (n) => n >= 30, 120_000);
    const firstSends = Promise.all(Array.from({ length: 25 }, (_, i) => sendOnce(i)));
    await eventually(() => inboundCount(db.pool, [store.storeId]), (n) => n >= 60, 120_000);
    phase('reloading');
    const reloaded = run(PM2, ['reload', 'drin'], { env: appEnv });
    const laterSends = (async () => {
      const ids: string[] = [];
      for (let i = 25; i < 50; i++) ids.push(await sendOnce(i));
      return ids;
    })();
    await reloaded;
    url = await listening(earlier + 2);
    const sendIds = [...(await firstSends), ...(await laterSends)];
    await burst.done;
    phase('reloaded; burst and sends done');

    const stored = await eventually(() => inboundCount(db.pool, [store.storeId]), (n) => n >= 300, 180_000);
    expect(stored).toBe(300);
    const rows = await inboundRows(db.pool, [store.storeId]);
    expect(duplicateKeys(rows)).toEqual([]);
    expect(rows.map((r) => r.text).sort()).toEqual(burst.sent.map((m) => m.text).sort());

    // Each send once: 50 messages accepted, each reaching the contact once.
    expect(new Set(sendIds).size).toBe(50);
    phase('all stored; waiting for the sends on the phone');
    for (let i = 0; i < 50; i++) await contacts[0]!.waitForText(`send ${i}`, { timeoutMs: 120_000 });
    const copies = contacts[0]!.inbox.peekAll().filter((m) => m.text.startsWith('send '));
    expect(copies).toEqual([]);
    const sent = await eventually(
      () => db.prisma.message.findMany({ where: { storeId: store.storeId, direction: 'outbound' }, select: { id: true, status: true } }),
      (ms) => ms.length === 50 && ms.every((m) => ['sent', 'delivered', 'read'].includes(m.status)),
      60_000,
    );
    expect(sent.map((m) => m.id).sort()).toEqual([...sendIds].sort());

    // The slot came back on its stored auth: connected, and no QR.
    const status = await eventually(async () => (await jsonRequest(url, 'GET', `/api/whatsapp/${store.storeId}/1/status`, { key: store.apiKey })).body, (b) => b.status === 'connected', 60_000);
    expect(status.status).toBe('connected');
    expect((await jsonRequest(url, 'GET', `/api/whatsapp/${store.storeId}/1/qr`, { key: store.apiKey })).status).toBe(404);
    await run(PM2, ['delete', 'drin'], { env: appEnv });
  } finally {
    await db.destroy();
  }
}, 600_000);
