// The ops CLI beside a running daemon, on one database: `qr` prints a waiting slot's QR in the
// terminal (and refuses, exit 3, for a slot that has none), `qr --watch` follows the slot until
// the phone scans it, and `send` queues a text that the process running the slot sends to the
// contact's phone.
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { daemonEnv, useDaemonSuite } from '../support/daemon-harness.js';
import { eventually } from '../support/eventually.js';
import { linkSlot } from '../support/link-slot.js';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
const ctx = useDaemonSuite();
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'drin-cli-wa-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const argv = ['--experimental-wasm-modules', '--disable-warning=ExperimentalWarning', '--import', 'tsx', 'src/cli/main.ts', ...args];
  try {
    const { stdout, stderr } = await run(process.execPath, argv, { cwd: ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...daemonEnv(ctx.sim, ctx.h.db, dir) } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

it('prints a waiting slot\'s QR, refuses one that has none, and sends a text the daemon delivers', async () => {
  const store = await ctx.h.createStore('CLI store');
  await linkSlot(ctx.h, ctx.sim, store, 1, '5511955550701');
  const started = await ctx.h.request('POST', `/api/whatsapp/${store.storeId}/2/start`, { key: store.apiKey });
  expect(started.status).toBe(200);
  await eventually(() => ctx.h.db.prisma.sessionSlot.findUnique({ where: { storeId_slot: { storeId: store.storeId, slot: 2 } } }), (s) => s?.status === 'qrcode' && Boolean(s.qrRaw));

  const qr = await cli('qr', store.storeId, '2');
  expect(qr.code).toBe(0);
  // Half-block characters: a QR drawn for a terminal, and the hint to scan it.
  expect(qr.stdout).toMatch(/[▀▄█]{10,}/);
  expect(qr.stdout).toContain('Linked devices');
  const none = await cli('qr', store.storeId, '1');
  expect(none.code).toBe(3);
  expect(none.stderr).toMatch(/No QR code: the slot is connected/);

  const contact = ctx.sim.phone('5511955550701').contact('5511988887001');
  const sent = await cli('send', store.storeId, '+5511988887001', 'Oi,', 'teste', 'do', 'operador');
  expect(sent.code).toBe(0);
  expect(JSON.parse(sent.stdout)).toMatchObject({ status: 'queued', slot: 1 });
  await contact.waitForText('Oi, teste do operador', { timeoutMs: 60_000 });
  const refused = await cli('send', store.storeId, 'not-a-number', 'oi');
  expect(refused.code).toBe(3);
}, 240_000);

it('qr --watch draws the QR and ends when the phone has scanned it', async () => {
  const store = await ctx.h.createStore('CLI watch store');
  expect((await ctx.h.request('POST', `/api/whatsapp/${store.storeId}/3/start`, { key: store.apiKey })).status).toBe(200);
  const argv = ['--experimental-wasm-modules', '--disable-warning=ExperimentalWarning', '--import', 'tsx', 'src/cli/main.ts', 'qr', store.storeId, '3', '--watch'];
  const child = spawn(process.execPath, argv, { cwd: ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...daemonEnv(ctx.sim, ctx.h.db, dir) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout!.on('data', (d) => (stdout += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  try {
    await eventually(async () => stdout, (o) => /[▀▄█]{10,}/.test(o) && o.includes('Linked devices'), 90_000);
    const qr = await ctx.h.request('GET', `/api/whatsapp/${store.storeId}/3/qr`, { key: store.apiKey });
    await ctx.sim.scanQr(qr.body.qr, { phone: '5511955550702' });
    expect(await exited).toBe(0);
    expect(stdout).toContain('connected as +5511955550702');
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}, 240_000);
