// Postgres cutting the daemon's connections in the middle of an inbound burst (what a restart or
// a failover does to it): every message is still stored, once. The daemon's pool connections are
// told apart by PGAPPNAME (its advisory-lock connection names itself and is left alone: losing it
// is the takeover path, tested in test/whatsapp/engine/processes.test.ts).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ADMIN_KEY, daemonEnv } from '../support/daemon-harness.js';
import { spawnDaemon, type DaemonProcess } from '../support/daemon-process.js';
import { eventually } from '../support/eventually.js';
import { jsonRequest } from '../support/json-request.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { useSimulatorSuite } from '../wa-sim/simulator-suite.js';

const suite = useSimulatorSuite();
const APP_NAME = 'drin-outage-under-test';
let db: TestDatabase;
let dataDir: string;
let daemon: DaemonProcess | undefined;

beforeAll(async () => {
  db = await createTestDatabase();
  dataDir = await mkdtemp(path.join(tmpdir(), 'drin-outage-'));
});
afterAll(async () => {
  await daemon?.stop('SIGKILL');
  await db.destroy();
  await rm(dataDir, { recursive: true, force: true });
});

const count = async (storeId: string) => Number((await db.pool.query('SELECT count(*) AS n FROM messages WHERE store_id = $1', [storeId])).rows[0].n);

/** Terminates the daemon's pool connections, now and every 100 ms until stopped; counts the kills. */
function cutConnections(): { stop(): Promise<number> } {
  let kills = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const { rows } = await db.pool.query('SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE application_name = $1', [APP_NAME]);
      kills += Number(rows[0].n);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return { stop: async () => ((running = false), await loop, kills) };
}

describe('the database drops the daemon mid-burst', () => {
  it('every inbound message is stored once all the same', async () => {
    daemon = await spawnDaemon({ ...daemonEnv(suite.sim, db, dataDir, { LOG_LEVEL: process.env.OUTAGE_LOG_LEVEL ?? 'info' }), PGAPPNAME: APP_NAME });
    const call = (method: string, urlPath: string, key: string, body?: unknown) => jsonRequest(daemon!.url, method, urlPath, { key, body });
    const store = (await call('POST', '/api/admin/stores', ADMIN_KEY, { name: 'Outage' })).body;
    expect((await call('POST', `/api/whatsapp/${store.storeId}/1/start`, store.apiKey)).body.status).toBe('qrcode');
    const qr = (await call('GET', `/api/whatsapp/${store.storeId}/1/qr`, store.apiKey)).body.qr;
    await suite.sim.scanQr(qr, { phone: '5511955557001' });
    await eventually(async () => (await call('GET', `/api/whatsapp/${store.storeId}/1/status`, store.apiKey)).body.status, (s) => s === 'connected');

    const contacts = Array.from({ length: 5 }, (_, i) => suite.sim.phone('5511955557001').contact(`55119888870${10 + i}`));
    for (const c of contacts) await c.sendText('primeira');
    expect(await eventually(() => count(store.storeId), (n) => n === 5)).toBe(5);

    const cutter = cutConnections();
    await Promise.all(contacts.map(async (c, i) => {
      for (let n = 0; n < 20; n++) await c.sendText(`contato ${i} mensagem ${n}`);
    }));
    // Keep cutting until part of the burst is in, so writes are failing while messages arrive.
    await eventually(() => count(store.storeId), (n) => n >= 30, 30_000);
    const kills = await cutter.stop();
    expect(kills).toBeGreaterThan(0);

    const stored = await eventually(() => count(store.storeId), (n) => n >= 105, 90_000);
    // What is missing, and whether the simulator still holds it unreceipted, says where it was lost.
    const { rows: have } = await db.pool.query('SELECT text FROM messages WHERE store_id = $1', [store.storeId]);
    const texts = new Set(have.map((r) => r.text));
    const missing = contacts.flatMap((_, i) => Array.from({ length: 20 }, (_, n) => `contato ${i} mensagem ${n}`)).filter((t) => !texts.has(t));
    expect({ stored, missing: missing.slice(0, 5), owed: suite.sim.phone('5511955557001').unreceiptedIds(1).length }).toEqual({ stored: 105, missing: [], owed: 0 });
    const { rows } = await db.pool.query('SELECT text, count(*)::int AS n FROM messages WHERE store_id = $1 GROUP BY text HAVING count(*) > 1 AND text <> $2', [store.storeId, 'primeira']);
    expect(rows).toEqual([]);
    // The daemon saw the cuts (a write retried, an auth write refused, or idle connections replaced).
    expect(daemon.output()).toMatch(/the database is unavailable; retrying|auth key write failed|an idle database connection failed/);
  }, 240_000);
});
