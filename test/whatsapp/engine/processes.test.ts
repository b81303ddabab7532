// Real daemon processes on one database: kill -9 in the middle of an inbound burst and resume
// with every later message decrypting; two daemons sharing slots through advisory locks, and a
// takeover when the owner dies.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { useSimulatorSuite } from '../../wa-sim/simulator-suite.js';
import { ADMIN_KEY, daemonEnv, openEventStream } from '../../support/daemon-harness.js';
import { spawnDaemon, type DaemonProcess } from '../../support/daemon-process.js';
import { jsonRequest } from '../../support/json-request.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';
import { slotLockKey } from '../../../src/whatsapp/engine/slot-locks.js';

const suite = useSimulatorSuite();
let db: TestDatabase;
let dataDir: string;
const children: DaemonProcess[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  dataDir = await mkdtemp(path.join(tmpdir(), 'drin-procs-'));
});
afterAll(async () => {
  await Promise.all(children.map((c) => c.stop('SIGKILL')));
  await db.destroy();
  await rm(dataDir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function daemon(): Promise<DaemonProcess> {
  const child = await spawnDaemon(daemonEnv(suite.sim, db, dataDir, { LOG_LEVEL: 'info' }));
  children.push(child);
  return child;
}

function call(d: DaemonProcess, method: string, urlPath: string, key: string, body?: unknown) {
  return jsonRequest(d.url, method, urlPath, { key, body });
}

async function createStore(d: DaemonProcess, name: string): Promise<{ storeId: string; apiKey: string }> {
  return (await call(d, 'POST', '/api/admin/stores', ADMIN_KEY, { name })).body;
}

async function waitForStatus(d: DaemonProcess, store: { storeId: string; apiKey: string }, slot: number, status: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = (await call(d, 'GET', `/api/whatsapp/${store.storeId}/${slot}/status`, store.apiKey)).body;
    if (last.status === status) return last;
    await sleep(150);
  }
  throw new Error(`slot ${slot} stayed ${JSON.stringify(last)}, wanted ${status}`);
}

async function link(d: DaemonProcess, store: { storeId: string; apiKey: string }, slot: number, phone: string, qrFrom: DaemonProcess = d) {
  const started = await call(d, 'POST', `/api/whatsapp/${store.storeId}/${slot}/start`, store.apiKey);
  expect(started.body.status).toBe('qrcode');
  // Any process serves the QR: it lives in the database.
  const qr = await call(qrFrom, 'GET', `/api/whatsapp/${store.storeId}/${slot}/qr`, store.apiKey);
  await suite.sim.scanQr(qr.body.qr, { phone });
  await waitForStatus(d, store, slot, 'connected');
}

describe('daemon processes', () => {
  it('a key rotated through one daemon stops working on the other as soon as it hears of it', async () => {
    const [a, b] = await Promise.all([daemon(), daemon()]);
    const store = await createStore(a, 'Rotating Store');
    // B has authorized the key (and keeps it for a while) and holds a stream opened with it.
    expect((await call(b, 'GET', `/api/stores/${store.storeId}`, store.apiKey)).status).toBe(200);
    const stream = await openEventStream(`${b.url}/api/whatsapp/${store.storeId}/events`, store.apiKey);
    await stream.events.take((e) => e.event === 'snapshot', 'the snapshot');

    const rotated = await call(a, 'POST', `/api/admin/stores/${store.storeId}/rotate-key`, ADMIN_KEY);
    expect(rotated.status).toBe(200);
    // The stream's end is B hearing of the rotation; from then on the old key is refused there.
    await stream.events.take((e) => e.event === 'end', 'the old stream’s end on the other daemon');
    expect((await call(b, 'GET', `/api/stores/${store.storeId}`, store.apiKey)).status).toBe(401);
    expect((await call(b, 'GET', `/api/stores/${store.storeId}`, rotated.body.apiKey)).status).toBe(200);
    stream.close();
    await Promise.all([a.stop(), b.stop()]);
  });

  it('survives kill -9 during an inbound burst: the slot resumes and later messages decrypt', async () => {
    const first = await daemon();
    const store = await createStore(first, 'Burst Store');
    await link(first, store, 1, '5511955550001');
    const phone = suite.sim.phone('5511955550001');
    const contacts = Array.from({ length: 5 }, (_, i) => phone.contact(undefined, { pushName: `Customer ${i}` }));

    // First messages: sessions exist before the burst.
    for (const c of contacts) {
      const id = await c.sendText('hi');
      expect((await c.waitForClientReceipt(id)).type).not.toBe('retry');
    }
    const burst = Promise.all(contacts.map(async (c) => {
      for (let i = 0; i < 20; i++) await c.sendText(`burst ${i}`);
    }));
    await sleep(150);
    first.child.kill('SIGKILL');
    await first.exited;
    await burst;

    const second = await daemon();
    await waitForStatus(second, store, 1, 'connected');
    for (const c of contacts) {
      const id = await c.sendText('after the crash');
      const receipt = await c.waitForClientReceipt(id, { timeoutMs: 15_000 });
      expect(receipt.type).not.toBe('retry');
    }
    const retries = contacts.flatMap((c) => c.clientReceipts.peekAll().filter((r) => r.type === 'retry'));
    expect(retries).toEqual([]);
    // SIGTERM with a live socket: closed without logging out, writes flushed, exit 0.
    expect(await second.stop('SIGTERM')).toBe(0);
  }, 90_000);

  it('two daemons on one database: each slot runs in exactly one, and the survivor takes over', async () => {
    const a = await daemon();
    const b = await daemon();
    const store = await createStore(a, 'Shared Store');
    await link(a, store, 1, '5511966660001', b);
    await link(b, store, 2, '5511966660002', a);
    await link(a, store, 3, '5511966660003', b);

    // Starting a slot on the process that does not own it says so and opens nothing.
    const elsewhere = await call(b, 'POST', `/api/whatsapp/${store.storeId}/1/start`, store.apiKey);
    expect(elsewhere.body).toMatchObject({ success: true, status: 'connected' });
    await sleep(1_500);
    for (const n of ['5511966660001', '5511966660002', '5511966660003']) expect(suite.sim.phone(n).connectionCount()).toBe(1);

    // A command for a slot another process owns reaches the owner through the database.
    const restarted = await call(b, 'POST', `/api/whatsapp/${store.storeId}/1/restart`, store.apiKey);
    expect(restarted.body).toEqual({ success: true, status: 'connected' });

    a.child.kill('SIGKILL');
    await a.exited;
    const killedAt = Date.now();
    for (const slot of [1, 3]) await waitForStatus(b, store, slot, 'connected', 20_000);
    // Lock released with A's connection, found by B's next scan (500 ms here), reconnected from saved creds.
    expect(Date.now() - killedAt).toBeLessThan(15_000);
    await sleep(1_000);
    for (const n of ['5511966660001', '5511966660002', '5511966660003']) expect(suite.sim.phone(n).connectionCount()).toBe(1);
    const code = await b.stop('SIGTERM');
    if (code !== 0) console.log(b.output().split('\n').slice(-80).join('\n'));
    expect(code).toBe(0);
  }, 120_000);

  it('cut the owner’s lock connection mid-traffic: it lets go within seconds, the other process takes over, messages still decrypt', async () => {
    const a = await daemon();
    const b = await daemon();
    const store = await createStore(a, 'Fenced Store');
    await link(a, store, 1, '5511977770009');
    const phone = suite.sim.phone('5511977770009');
    const contact = phone.contact(undefined, { pushName: 'Regular' });
    const first = await contact.sendText('hello');
    expect((await contact.waitForClientReceipt(first)).type).not.toBe('retry');

    const ref = { storeId: store.storeId, slot: 1 };
    const holder = async (): Promise<number | undefined> => {
      const unsigned = BigInt.asUintN(64, BigInt(slotLockKey(ref)));
      const { rows } = await db.pool.query(
        `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = $1::bigint::oid AND objid = $2::bigint::oid AND objsubid = 1`,
        [(unsigned >> 32n).toString(), (unsigned & 0xffffffffn).toString()],
      );
      return rows[0]?.pid;
    };
    const epoch = async () => (await db.pool.query('SELECT owner_epoch::text AS e FROM session_slots WHERE store_id = $1 AND slot = 1', [store.storeId])).rows[0].e as string;
    const ownerPid = await holder();
    expect(ownerPid).toBeDefined();
    const epochBefore = await epoch();

    // Mid-traffic, Postgres ends the owner's lock session (as a failover or a network cut would).
    const traffic = (async () => {
      for (let i = 0; i < 20; i++) await contact.sendText(`during ${i}`);
    })();
    const cutAt = Date.now();
    await db.pool.query('SELECT pg_terminate_backend($1)', [ownerPid]);
    // A knows at once (the session is gone) and closes its socket before anyone can take over.
    const deadline = Date.now() + 10_000;
    while (!a.output().includes('lost the lock connection') && Date.now() < deadline) await sleep(100);
    expect(a.output()).toContain('lost the lock connection');
    await traffic;

    // Someone (B, or A once its connection is back) owns the slot again under a new epoch: a late
    // auth write of the old owner would carry the old epoch and be refused.
    // (The new owner bumps the epoch just after taking the lock: wait for both.)
    let taken = { holder: undefined as number | undefined, epoch: epochBefore };
    while (Date.now() - cutAt < 30_000) {
      taken = { holder: await holder(), epoch: await epoch() };
      if (taken.holder && taken.holder !== ownerPid && BigInt(taken.epoch) > BigInt(epochBefore)) break;
      await sleep(200);
    }
    expect(taken.holder).toBeDefined();
    expect(taken.holder).not.toBe(ownerPid);
    expect(BigInt(taken.epoch)).toBeGreaterThan(BigInt(epochBefore));
    await waitForStatus(b, store, 1, 'connected', 30_000);

    const after = await contact.sendText('still there?');
    expect((await contact.waitForClientReceipt(after, { timeoutMs: 30_000 })).type).not.toBe('retry');
    expect(contact.clientReceipts.peekAll().filter((r) => r.type === 'retry')).toEqual([]);
    await sleep(1_000);
    expect(phone.connectionCount()).toBe(1);
    await Promise.all([a.stop('SIGTERM'), b.stop('SIGTERM')]);
  }, 180_000);
});
