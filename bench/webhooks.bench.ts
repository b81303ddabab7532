// Run: node --experimental-wasm-modules --disable-warning=ExperimentalWarning --import tsx bench/webhooks.bench.ts
//
// Webhooks: events/s from the bus to a loopback receiver's 2xx, signed (Standard Webhooks), and
// how fast the outbox drains after a receiver outage. The whole daemon in this process
// (startDaemon, a scratch database on the local Postgres), a receiver on loopback that verifies
// every call with the standardwebhooks library and answers 204. Reference in the same run: the
// same signed POSTs made straight from a loop at the worker's concurrency (no outbox): the floor.
// Not a test: figures go to BENCHMARKS.md.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { pino } from 'pino';
import { Webhook } from 'standardwebhooks';
import { loadConfig } from '../src/config/config.js';
import { startDaemon } from '../src/daemon.js';
import { dropDatabase, ensureDatabaseExists, withDatabaseName } from '../src/db/database-admin.js';
import { postJson, signedHeaders } from '../src/egress/index.js';
import { ADMIN_KEY, daemonEnv } from '../test/support/daemon-env.js';
import { jsonRequest } from '../test/support/json-request.js';
import { startSimulator } from '../test/wa-sim/index.js';
import { BENCH_SERVER as SERVER, benchedCommit, num } from './bench-env.js';

const EVENTS = num('BENCH_EVENTS', 2000);
const MESSAGES = num('BENCH_MESSAGES', 200); // a simulator contact's texts, one at a time, timed to the receiver
const OUTAGE_EVENTS = num('BENCH_OUTAGE_EVENTS', 2000);
const CONCURRENCY = num('BENCH_CONCURRENCY', 8);
const STORES = num('BENCH_STORES', 20); // events come from this many stores at once, each in its own order
const print = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(p * (values.length - 1)))] ?? NaN;

// ——— the receiver ———
let secret = '';
const arrived = new Map<string, number>(); // event id → when its 2xx was sent
const textArrived = new Map<string, number>(); // a message.received's text → when it came
let verifyFailures = 0;
let onArrival: (() => void) | undefined;
const receiver = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    try {
      const body = new Webhook(secret).verify(Buffer.concat(chunks).toString('utf8'), req.headers as Record<string, string>) as { id: string; data: { text?: string } };
      if (!arrived.has(body.id)) arrived.set(body.id, performance.now());
      if (body.data.text && !textArrived.has(body.data.text)) textArrived.set(body.data.text, performance.now());
      res.writeHead(204).end();
    } catch {
      verifyFailures++;
      res.writeHead(401).end();
    }
    onArrival?.();
  });
});
let port = 0;
const listen = () => new Promise<void>((resolve) => receiver.listen(port, '127.0.0.1', () => ((port = (receiver.address() as AddressInfo).port), resolve())));
const close = () => new Promise<void>((resolve) => (receiver.closeAllConnections(), receiver.close(() => resolve())));
await listen();
const until = async (n: number, timeoutMs = 600_000) => {
  const deadline = Date.now() + timeoutMs;
  while (arrived.size < n) {
    if (Date.now() > deadline) throw new Error(`${arrived.size} of ${n} arrived`);
    await new Promise<void>((r) => ((onArrival = r), setTimeout(r, 200)));
  }
};

// ——— the daemon ———
const sim = await startSimulator();
const db = withDatabaseName(SERVER, `drin_bench_hooks_${randomBytes(4).toString('hex')}`);
await ensureDatabaseExists(db);
const dataDir = await mkdtemp(path.join(tmpdir(), 'drin-bench-hooks-'));
const logger = pino({ level: 'warn' });
const daemon = await startDaemon(
  loadConfig(daemonEnv(sim, { url: db }, dataDir, { LOG_LEVEL: 'warn', WEBHOOKS_ALLOW_PRIVATE_URLS: 'true', WEBHOOKS_CONCURRENCY: String(CONCURRENCY), WEBHOOKS_SCAN_INTERVAL_MS: '200' })),
  logger,
);
const probe = new pg.Pool({ connectionString: db, max: 1 });
const call = async (method: string, p: string, key: string, body?: unknown) => {
  const r = await jsonRequest(daemon.url, method, p, { key, body });
  if (r.status >= 300) throw new Error(`${method} ${p}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
};
// One secret for every hook (given, not made), so the receiver verifies them all with it.
secret = `whsec_${randomBytes(32).toString('base64')}`;
const stores: string[] = [];
for (let i = 0; i < STORES; i++) {
  const store = await call('POST', '/api/admin/stores', ADMIN_KEY, { name: `Bench hooks ${i}` });
  await call('POST', `/api/client/${store.storeId}/webhooks`, store.apiKey, { url: `http://127.0.0.1:${port}/hook`, events: ['contact.created'], secret, retry: { baseDelayMs: 100 } });
  stores.push(store.storeId);
}
const backlog = async () => Number((await probe.query(`SELECT count(*) FROM webhook_deliveries WHERE status IN ('pending', 'delivering')`)).rows[0].count);

/** `n` events, spread over the stores: each store's one after another, the stores at once (as slots are). */
const emitAll = async (n: number, tag: string) => {
  await Promise.all(
    stores.map(async (storeId, s) => {
      for (let i = s; i < n; i += stores.length) await daemon.bus.emit('contact.created', { storeId, contactId: `${tag}-${i}`, source: 'api', at: new Date() });
    }),
  );
};

print(`commit ${benchedCommit()}; node ${process.version}; nproc ${cpus().length} × ${cpus()[0]?.model.split(' ').slice(0, 2).join(' ')}; load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

// 0. A simulator contact's text → the receiver's message.received, one at a time (slot 1 of the first store, linked by QR).
const first = (await call('GET', `/api/admin/stores/${stores[0]}`, ADMIN_KEY)) as { storeId: string };
const key = (await call('POST', `/api/admin/stores/${first.storeId}/rotate-key`, ADMIN_KEY)).apiKey as string;
await call('POST', `/api/client/${first.storeId}/webhooks`, key, { url: `http://127.0.0.1:${port}/hook`, events: ['message.received'], secret });
await call('POST', `/api/whatsapp/${first.storeId}/1/start`, key);
const phone = await sim.scanQr((await call('GET', `/api/whatsapp/${first.storeId}/1/qr`, key)).qr, { phone: '5511966600001' });
for (let i = 0; (await call('GET', `/api/whatsapp/${first.storeId}/1/status`, key)).status !== 'connected'; i++) {
  if (i > 600) throw new Error('slot 1 did not connect');
  await sleep(100);
}
await daemon.engine.drainSlotWrites();
const contact = phone.contact('5511955500001');
const textLatency: number[] = [];
for (let i = 0; i < MESSAGES + 20; i++) {
  const text = `bench message ${i}`;
  const sent = performance.now();
  await contact.sendText(text);
  while (!textArrived.has(text)) await new Promise<void>((r) => ((onArrival = r), setTimeout(r, 100)));
  if (i >= 20) textLatency.push(textArrived.get(text)! - sent); // the first 20 warm up
}

// Warm-up (connections, JIT).
await emitAll(100, 'warm');
await until(100);

// 1. Live: the bus → outbox → worker → receiver, receiver up.
arrived.clear();
let t0 = performance.now();
await emitAll(EVENTS, 'live');
const enqueued = performance.now() - t0;
await until(EVENTS);
const live = performance.now() - t0;

// 2. Reference: the same signed POSTs from a loop at the same concurrency, no outbox.
arrived.clear();
t0 = performance.now();
let next = 0;
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    while (next < EVENTS) {
      const i = next++;
      const id = `ref_${i}`;
      const body = JSON.stringify({ id, type: 'contact.created', storeId: stores[i % stores.length], timestamp: new Date().toISOString(), data: { contactId: id } });
      await postJson(`http://127.0.0.1:${port}/hook`, body, signedHeaders(secret, id, body), { allowPrivate: true, timeoutMs: 10_000 });
    }
  }),
);
const reference = performance.now() - t0;

// 3. Outage: the receiver is down while events are enqueued; then back, and the backlog drains.
await close();
arrived.clear();
await emitAll(OUTAGE_EVENTS, 'outage');
while ((await backlog()) < OUTAGE_EVENTS) await sleep(100);
await sleep(3_000); // every delivery has failed at least once by now and waits for its retry
const failedOnce = Number((await probe.query(`SELECT count(*) FROM webhook_deliveries WHERE status = 'pending' AND attempts > 0`)).rows[0].count);
await listen();
t0 = performance.now();
await until(OUTAGE_EVENTS);
const drain = performance.now() - t0;

print('');
print(`| a contact's text → the receiver's message.received (simulator send → 2xx) | n | p50 ms | p95 | p99 | max |`);
print('|---|---:|---:|---:|---:|---:|');
print(`| one at a time | ${textLatency.length} | ${percentile(textLatency, 0.5).toFixed(1)} | ${percentile(textLatency, 0.95).toFixed(1)} | ${percentile(textLatency, 0.99).toFixed(1)} | ${Math.max(...textLatency).toFixed(1)} |`);
print('');
print(`| phase (${STORES} stores at once) | events | time s | events/s |`);
print('|---|---:|---:|---:|');
print(`| bus → outbox (the emits, durable subscriber awaited) | ${EVENTS} | ${(enqueued / 1000).toFixed(2)} | ${Math.round(EVENTS / (enqueued / 1000))} |`);
print(`| bus → receiver's 2xx, signed, live | ${EVENTS} | ${(live / 1000).toFixed(2)} | ${Math.round(EVENTS / (live / 1000))} |`);
print(`| reference: the same signed POSTs from a loop, ${CONCURRENCY} at a time, no outbox | ${EVENTS} | ${(reference / 1000).toFixed(2)} | ${Math.round(EVENTS / (reference / 1000))} |`);
print(`| outage: backlog drained after the receiver came back (${failedOnce} had failed at least once) | ${OUTAGE_EVENTS} | ${(drain / 1000).toFixed(2)} | ${Math.round(OUTAGE_EVENTS / (drain / 1000))} |`);
print(`\nratio live / reference: ${(reference / live).toFixed(2)}; signature failures at the receiver: ${verifyFailures}; p50 / p99 of nothing else is reported here (events are not timed one by one).`);

await probe.end();
await daemon.stop();
await close().catch(() => {});
await sim.close();
await dropDatabase(db);
await rm(dataDir, { recursive: true, force: true });
process.exit(0);
