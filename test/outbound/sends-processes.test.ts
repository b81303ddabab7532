// Sends across real daemon processes on one database: a queued send outlives its process (SIGTERM
// and kill -9) and goes out once; with two processes, only the slot's owner sends.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { slotLockKey } from '../../src/whatsapp/engine/slot-locks.js';
import { ADMIN_KEY, daemonEnv } from '../support/daemon-harness.js';
import { spawnDaemon, type DaemonProcess } from '../support/daemon-process.js';
import { eventually } from '../support/eventually.js';
import { jsonRequest } from '../support/json-request.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import type { FakeContact } from '../wa-sim/fake-contact.js';
import { useSimulatorSuite } from '../wa-sim/simulator-suite.js';

const suite = useSimulatorSuite();
let db: TestDatabase;
let dataDir: string;
const children: DaemonProcess[] = [];
type Store = { storeId: string; apiKey: string };

beforeAll(async () => {
  db = await createTestDatabase();
  dataDir = await mkdtemp(path.join(tmpdir(), 'drin-sends-'));
});
afterAll(async () => {
  await Promise.all(children.map((c) => c.stop('SIGKILL')));
  await db.destroy();
  await rm(dataDir, { recursive: true, force: true });
});

async function daemon(): Promise<DaemonProcess> {
  const child = await spawnDaemon(daemonEnv(suite.sim, db, dataDir, { LOG_LEVEL: 'info' }));
  children.push(child);
  return child;
}

const call = (d: DaemonProcess, method: string, urlPath: string, key: string, body?: unknown) => jsonRequest(d.url, method, urlPath, { key, body });

async function slotStatus(d: DaemonProcess, store: Store, slot: number): Promise<string> {
  return (await call(d, 'GET', `/api/whatsapp/${store.storeId}/${slot}/status`, store.apiKey)).body.status;
}

async function linkedStore(d: DaemonProcess, name: string, phone: string): Promise<Store> {
  const store: Store = (await call(d, 'POST', '/api/admin/stores', ADMIN_KEY, { name })).body;
  const started = await call(d, 'POST', `/api/whatsapp/${store.storeId}/1/start`, store.apiKey);
  expect(started.body.status).toBe('qrcode');
  const qr = await call(d, 'GET', `/api/whatsapp/${store.storeId}/1/qr`, store.apiKey);
  await suite.sim.scanQr(qr.body.qr, { phone });
  expect(await eventually(() => slotStatus(d, store, 1), (s) => s === 'connected')).toBe('connected');
  return store;
}

/** After `marker` arrived, what else with `text` is in the contact's inbox (a duplicate would be). */
async function copiesAfter(contact: FakeContact, text: string, marker: string): Promise<number> {
  await contact.waitForText(marker, { timeoutMs: 30_000 });
  return contact.inbox.peekAll().filter((m) => m.text === text).length;
}

describe('a queued send and its process', () => {
  it.each(['SIGTERM', 'SIGKILL'] as const)('survives %s of the daemon and goes out exactly once from the next one', async (signal) => {
    const first = await daemon();
    const phone = `55119555530${signal === 'SIGTERM' ? '01' : '02'}`;
    const store = await linkedStore(first, `Restart ${signal}`, phone);
    const contact = suite.sim.phone(phone).contact(`55119888830${signal === 'SIGTERM' ? '01' : '02'}`);
    const text = `enviada antes do ${signal}`;
    // Due in 5 s: it is still queued when the process goes.
    const accepted = await call(first, 'POST', `/api/whatsapp/${store.storeId}/messages`, store.apiKey, { to: contact.pnJid, type: 'text', text, options: { delay: 5_000 } });
    expect(accepted.status).toBe(202);
    await first.stop(signal);

    const second = await daemon();
    const received = await contact.waitForText(text, { timeoutMs: 60_000 });
    expect(received.text).toBe(text);
    await call(second, 'POST', `/api/whatsapp/${store.storeId}/messages`, store.apiKey, { to: contact.pnJid, type: 'text', text: 'marcador' });
    expect(await copiesAfter(contact, text, 'marcador')).toBe(0);
    const row = await eventually(async () => (await call(second, 'GET', `/api/whatsapp/${store.storeId}/messages/${accepted.body.id}`, store.apiKey)).body, (m) => m.status === 'sent');
    expect(row.waMessageId).toBe(received.id);
    await second.stop('SIGTERM');
  }, 180_000);
});

describe('two daemon processes', () => {
  it('accept sends on either; only the slot’s owner sends them, once each, in order', async () => {
    const a = await daemon();
    const b = await daemon();
    const store = await linkedStore(a, 'Shared Sends', '5511955553003');
    const contact = suite.sim.phone('5511955553003').contact('5511988883003');
    const texts = Array.from({ length: 6 }, (_, i) => `pedido ${i + 1}`);
    for (const [i, text] of texts.entries()) {
      const via = i % 2 === 0 ? b : a;
      expect((await call(via, 'POST', `/api/whatsapp/${store.storeId}/messages`, store.apiKey, { to: contact.pnJid, type: 'text', text })).status).toBe(202);
    }
    const got: string[] = [];
    for (let i = 0; i < texts.length; i++) got.push((await contact.nextMessage({ timeoutMs: 30_000 })).text);
    expect(got).toEqual(texts);

    // Every job was claimed by the process holding the slot's lock.
    const unsigned = BigInt.asUintN(64, BigInt(slotLockKey({ storeId: store.storeId, slot: 1 })));
    const { rows: owner } = await db.pool.query(
      `SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
       WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1::bigint::oid AND l.objid = $2::bigint::oid AND l.objsubid = 1`,
      [(unsigned >> 32n).toString(), (unsigned & 0xffffffffn).toString()],
    );
    const ownerProcess = String(owner[0].application_name).replace('drin-locks ', '');
    const { rows: claimers } = await db.pool.query('SELECT DISTINCT claimed_by FROM outbound_jobs WHERE store_id = $1', [store.storeId]);
    expect(claimers).toEqual([{ claimed_by: ownerProcess }]);
    await call(a, 'POST', `/api/whatsapp/${store.storeId}/messages`, store.apiKey, { to: contact.pnJid, type: 'text', text: 'fim' });
    expect(await copiesAfter(contact, texts[0]!, 'fim')).toBe(0);
    await Promise.all([a.stop('SIGTERM'), b.stop('SIGTERM')]);
  }, 180_000);
});
