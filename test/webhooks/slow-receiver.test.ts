// One hook whose receiver hangs does not hold up another's deliveries: each delivery in flight has
// its own runner, even when one claim statement took several (the daemon's timeout is longer than
// this test may run, so a delivery waiting behind the hung one would fail it).
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { createDaemonHarness, type DaemonHarness } from '../support/daemon-harness.js';
import { eventually } from '../support/eventually.js';
import { useSimulatorSuite } from '../wa-sim/simulator-suite.js';
import { WebhookReceiver } from './receiver.js';

const suite = useSimulatorSuite();
const hung = new WebhookReceiver();
const quick = new WebhookReceiver();
let h: DaemonHarness;

beforeAll(async () => {
  await Promise.all([hung.start(), quick.start()]);
  h = await createDaemonHarness(suite.sim, {
    env: { WEBHOOKS_ALLOW_PRIVATE_URLS: 'true', WEBHOOKS_SCAN_INTERVAL_MS: '200', WEBHOOKS_CONCURRENCY: '2', WEBHOOKS_TIMEOUT_MS: '120000' },
  });
}, 180_000);
afterAll(async () => {
  hung.release();
  await h?.close();
  await Promise.all([hung.stop(), quick.stop()]);
});

it('a receiver that hangs keeps no other hook\'s events waiting', async () => {
  const store = await h.createStore('Hung receiver');
  const hook = async (receiver: WebhookReceiver, events: string[]) => {
    const made = await h.request('POST', `/api/client/${store.storeId}/webhooks`, { key: store.apiKey, body: { url: receiver.url, events } });
    expect(made.status).toBe(201);
    receiver.secret = made.body.secret;
  };
  await hook(hung, ['conversation.opened']);
  await hook(quick, ['contact.created']);
  hung.hold();
  const EVENTS = 20;
  // One conversation: its events go to the hung receiver one at a time, in order.
  for (let i = 0; i < EVENTS; i++) {
    const at = new Date();
    await h.daemon.bus.emit('conversation.opened', { storeId: store.storeId, conversationId: 'conversation-hung', contactId: `contact-${i}`, channel: 'whatsapp', source: 'api', at });
    await h.daemon.bus.emit('contact.created', { storeId: store.storeId, contactId: `contact-${i}`, source: 'api', at });
  }
  await quick.untilAccepted(EVENTS);
  // Still hung: none of its calls was answered while the other hook got all of its own.
  expect(hung.calls).toHaveLength(0);
  hung.release();
  await hung.untilAccepted(EVENTS);
  expect(hung.accepted.map((id) => hung.calls.find((c) => c.body?.id === id)!.body!.data.contactId)).toEqual(Array.from({ length: EVENTS }, (_, i) => `contact-${i}`));
  const rows = await eventually(() => h.db.prisma.webhookDelivery.findMany({ where: { storeId: store.storeId } }), (r) => r.length === 2 * EVENTS && r.every((d) => d.status === 'delivered'));
  expect(rows.every((d) => d.attempts === 1)).toBe(true);
}, 90_000);
