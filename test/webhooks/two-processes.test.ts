// Two daemon processes on one database share the outbox: both deliver at the same time (the
// receiver holds its answers until more calls are open than one process may make), and no
// delivery attempt is made twice — every event reaches the receiver exactly once.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { createDaemonHarness, daemonEnv, type DaemonHarness } from '../support/daemon-harness.js';
import { spawnDaemon, type DaemonProcess } from '../support/daemon-process.js';
import { eventually } from '../support/eventually.js';
import { useSimulatorSuite } from '../wa-sim/simulator-suite.js';
import { WebhookReceiver } from './receiver.js';

const suite = useSimulatorSuite();
const receiver = new WebhookReceiver();
const PER_PROCESS = 2;
const WEBHOOKS = { WEBHOOKS_ALLOW_PRIVATE_URLS: 'true', WEBHOOKS_SCAN_INTERVAL_MS: '100', WEBHOOKS_CONCURRENCY: String(PER_PROCESS) };
let h: DaemonHarness;
let second: DaemonProcess;
let secondDir: string;

beforeAll(async () => {
  await receiver.start();
  h = await createDaemonHarness(suite.sim, { env: WEBHOOKS });
  secondDir = await mkdtemp(path.join(tmpdir(), 'drin-second-'));
  // Its log at info: spawnDaemon waits for the line saying it listens.
  second = await spawnDaemon({ ...daemonEnv(suite.sim, h.db, secondDir, WEBHOOKS), LOG_LEVEL: 'info' });
}, 180_000);
afterAll(async () => {
  await second?.stop();
  await h?.close();
  await receiver.stop();
  if (secondDir) await rm(secondDir, { recursive: true, force: true });
});

it('two processes deliver one outbox at once, and no event twice', async () => {
  const store = await h.createStore('Two processes');
  const made = await h.request('POST', `/api/client/${store.storeId}/webhooks`, { key: store.apiKey, body: { url: receiver.url, events: ['contact.created'] } });
  expect(made.status).toBe(201);
  receiver.secret = made.body.secret;
  // More calls open at once than one process makes: both must be delivering before any is answered.
  receiver.holdUntilConcurrent(PER_PROCESS + 1);
  const EVENTS = 200;
  for (let i = 0; i < EVENTS; i++) await h.daemon.bus.emit('contact.created', { storeId: store.storeId, contactId: `contact-${i}`, source: 'api', at: new Date() });
  await receiver.untilAccepted(EVENTS);
  const calls = receiver.calls.filter((c) => c.body?.storeId === store.storeId);
  expect(calls.length).toBe(EVENTS);
  expect(new Set(calls.map((c) => c.body!.id)).size).toBe(EVENTS);
  expect(new Set(calls.map((c) => c.body!.data.contactId)).size).toBe(EVENTS);
  const rows = await eventually(() => h.db.prisma.webhookDelivery.findMany({ where: { storeId: store.storeId } }), (r) => r.length === EVENTS && r.every((d) => d.status === 'delivered'));
  expect(rows.map((d) => d.attempts)).toEqual(Array(EVENTS).fill(1));
  expect(new Set(rows.map((d) => d.leaseOwner)).size).toBe(2);
});
