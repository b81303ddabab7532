// The README's backup and restore, with the real programs: scripts/backup.sh dumps a daemon's
// database (pg_dump, custom format) and keeps the newest KEEP; scripts/restore.sh puts a dump into
// a new, empty database (and refuses one that already holds Drin). A daemon started on the
// restored database, with the same SECRETS_KEY, has the store, its contacts and messages, and
// resumes its WhatsApp slot from the restored auth state — connected, never asking for a QR.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { createDaemonHarness, daemonEnv, waitForEvent, type DaemonHarness } from '../support/daemon-harness.js';
import { spawnDaemon, type DaemonProcess } from '../support/daemon-process.js';
import { eventually } from '../support/eventually.js';
import { jsonRequest } from '../support/json-request.js';
import { linkSlot } from '../support/link-slot.js';
import { createBlankDatabase } from '../support/test-database.js';
import { useSimulatorSuite } from '../wa-sim/simulator-suite.js';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
const suite = useSimulatorSuite();
let h: DaemonHarness;
let restored: Awaited<ReturnType<typeof createBlankDatabase>>;
let second: DaemonProcess | undefined;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'drin-backup-'));
  h = await createDaemonHarness(suite.sim);
  restored = await createBlankDatabase();
}, 180_000);
afterAll(async () => {
  await second?.stop();
  await h?.close();
  await restored?.destroy();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function script(name: string, args: string[], env: Record<string, string>): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run('bash', [path.join(ROOT, 'scripts', name), ...args], { cwd: ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } });
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

it('backs up, rotates, restores into a new database, and a daemon there resumes the slot without a QR', async () => {
  const store = await h.createStore('Backed-up Store');
  await linkSlot(h, suite.sim, store, 1, '5511955550801');
  const contact = suite.sim.phone('5511955550801').contact('5511988888001', { pushName: 'Bea' });
  const waId = await contact.sendText('quero agendar');
  await waitForEvent(h, 'message.received', (e) => e.storeId === store.storeId && e.waMessageId === waId);
  const lead = await h.request('POST', `/api/client/${store.storeId}/contacts`, { key: store.apiKey, body: { name: 'Caio', phone: '+55 11 97777-0000' } });
  expect(lead.status).toBe(201);
  const contactsBefore = (await h.request('GET', `/api/client/${store.storeId}/contacts`, { key: store.apiKey })).body.data;
  const inboxBefore = (await h.request('GET', `/api/client/${store.storeId}/inbox`, { key: store.apiKey })).body.data;
  const slotBefore = (await h.request('GET', `/api/whatsapp/${store.storeId}/1/status`, { key: store.apiKey })).body;
  expect(slotBefore).toMatchObject({ status: 'connected', jid: expect.any(String) });
  await h.stop();

  const backups = path.join(dir, 'backups');
  const env = { DATABASE_URL: h.db.url, BACKUP_DIR: backups, KEEP: '2' };
  for (let i = 0; i < 3; i++) {
    const made = await script('backup.sh', [], env);
    expect([made.code, made.out]).toEqual([0, expect.stringMatching(/backed up to .*drin-\d{8}T\d{6}\.\d{3}Z\.dump/)]);
  }
  const files = (await readdir(backups)).filter((f) => f.endsWith('.dump')).sort();
  expect(files).toHaveLength(2);
  const newest = path.join(backups, files.at(-1)!);

  const into = { DATABASE_URL: restored.url };
  expect(await script('restore.sh', [newest], into)).toMatchObject({ code: 0 });
  // A second restore into the same database is refused: it holds Drin now.
  expect(await script('restore.sh', [newest], into)).toMatchObject({ code: 3, out: expect.stringMatching(/already holds/) });

  second = await spawnDaemon(daemonEnv(suite.sim, restored, path.join(dir, 'restored-data'), { LOG_LEVEL: 'info' }));
  const status = await eventually(
    async () => (await jsonRequest(second!.url, 'GET', `/api/whatsapp/${store.storeId}/1/status`, { key: store.apiKey })).body,
    (b) => b?.status === 'connected',
    60_000,
  );
  expect(status).toMatchObject({ slot: 1, status: 'connected' });
  // The same linked device (the restored auth state), and no QR was ever asked for.
  expect([status.phone, status.jid]).toEqual([slotBefore.phone, slotBefore.jid]);
  const qr = await jsonRequest(second.url, 'GET', `/api/whatsapp/${store.storeId}/1/qr`, { key: store.apiKey });
  expect([qr.status, qr.body.error.message]).toEqual([404, 'No QR code: the slot is connected']);
  expect((await jsonRequest(second.url, 'GET', `/api/client/${store.storeId}/contacts`, { key: store.apiKey })).body.data).toEqual(contactsBefore);
  expect((await jsonRequest(second.url, 'GET', `/api/client/${store.storeId}/inbox`, { key: store.apiKey })).body.data).toEqual(inboxBefore);
  // And it is the same WhatsApp link: the contact's next message arrives on the restored daemon.
  await contact.sendText('ainda aí?');
  await eventually(async () => (await jsonRequest(second!.url, 'GET', `/api/client/${store.storeId}/inbox`, { key: store.apiKey })).body.data[0]?.lastMessage?.text, (t) => t === 'ainda aí?', 60_000);
}, 300_000);
