// Webhooks end to end: simulator contact → daemon → the outbox → a receiver on loopback that
// verifies each call with the standardwebhooks library and the secret alone. Retries under the
// same webhook-id, an outage with a restart in the middle (nothing lost, each event once, in order
// per conversation), dead letters and their replay, and a name that resolves inward at delivery.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createDaemonHarness, waitForEvent, type DaemonHarness } from '../support/daemon-harness.js';
import { eventually } from '../support/eventually.js';
import { linkSlot } from '../support/link-slot.js';
import { useSimulatorSuite } from '../wa-sim/simulator-suite.js';
import { WebhookReceiver } from './receiver.js';

const suite = useSimulatorSuite();
let h: DaemonHarness;
const receiver = new WebhookReceiver();

beforeAll(async () => {
  await receiver.start();
  h = await createDaemonHarness(suite.sim, { env: { WEBHOOKS_ALLOW_PRIVATE_URLS: 'true', WEBHOOKS_SCAN_INTERVAL_MS: '200' } });
});
afterAll(async () => {
  await h?.close();
  await receiver.stop();
});

async function hookedStore(phone: string, hook: Record<string, unknown> = {}) {
  const store = await h.createStore(`Webhook store ${phone}`);
  await linkSlot(h, suite.sim, store, 1, phone);
  const res = await h.request('POST', `/api/client/${store.storeId}/webhooks`, {
    key: store.apiKey,
    body: { url: receiver.url, events: ['message.received'], retry: { baseDelayMs: 100 }, ...hook },
  });
  expect(res.status).toBe(201);
  receiver.secret = res.body.secret;
  return { ...store, hookId: res.body.id as string, phone: suite.sim.phone(phone) };
}

const deliveriesOf = async (s: { storeId: string; apiKey: string; hookId: string }, query = '') =>
  (await h.request('GET', `/api/client/${s.storeId}/webhooks/${s.hookId}/deliveries${query}`, { key: s.apiKey })).body.deliveries as Array<Record<string, any>>;

describe('webhook delivery', () => {
  it('a contact\'s text reaches the receiver as message.received, verified with standardwebhooks and the secret alone', async () => {
    const s = await hookedStore('5511955550001');
    await s.phone.contact('5511944440001', { pushName: 'Ana' }).sendText('oi, tem pizza?');
    const call = await receiver.queue.take((c) => c.body?.data.text === 'oi, tem pizza?', 'the message.received call');
    expect(call.verified).toBe(true);
    expect(call.headers['webhook-id']).toBe(call.body!.id);
    expect(call.body).toMatchObject({ type: 'message.received', storeId: s.storeId, timestamp: expect.any(String) });
    expect(call.body!.data).toMatchObject({ storeId: s.storeId, slot: 1, type: 'text', pushName: 'Ana', remoteJid: expect.stringContaining('@') });
    // What is internal never leaves: the protobuf bytes and Baileys' raw message.
    expect(Object.keys(call.body!.data)).not.toEqual(expect.arrayContaining(['payload']));
    expect(call.body!.data.raw).toBeUndefined();
    const [logged] = await eventually(() => deliveriesOf(s), (d) => d[0]?.status === 'delivered');
    expect(logged).toMatchObject({ eventId: call.body!.id, event: 'message.received', status: 'delivered', attempts: 1, lastResponseStatus: 200, latencyMs: expect.any(Number) });
  });

  it('a receiver answering 500 is called again under the same webhook-id until it takes the event', async () => {
    const s = await hookedStore('5511955550002');
    receiver.script = [500, 503];
    await s.phone.contact('5511944440002').sendText('retry me');
    const calls = [];
    for (let i = 0; i < 3; i++) calls.push(await receiver.queue.take((c) => c.body?.data.text === 'retry me', `call ${i + 1}`));
    expect(calls.map((c) => c.answered)).toEqual([500, 503, 200]);
    expect(new Set(calls.map((c) => c.headers['webhook-id'])).size).toBe(1);
    const [logged] = await eventually(() => deliveriesOf(s), (d) => d[0]?.status === 'delivered');
    expect(logged).toMatchObject({ attempts: 3, lastResponseStatus: 200, lastError: null });
  });

  it('a receiver down while 200 messages arrive, the daemon restarted in the middle: every event arrives once, in order per conversation', async () => {
    const s = await hookedStore('5511955550003');
    const ana = s.phone.contact('5511944440031');
    const beto = s.phone.contact('5511944440032');
    const PER_CONTACT = 100; // 200 messages in all, as the issue asks
    const texts = (who: string, from: number, to: number) => Array.from({ length: to - from }, (_, i) => `${who} ${from + i}`);
    const sendBoth = async (from: number, to: number) => {
      for (let i = from; i < to; i++) {
        await ana.sendText(`ana ${i}`);
        await beto.sendText(`beto ${i}`);
      }
    };
    await receiver.down();
    try {
      await sendBoth(0, PER_CONTACT / 2);
      // Every event of the first half is in the outbox, and the receiver's refusals were counted.
      await eventually(() => h.db.prisma.webhookDelivery.findMany({ where: { webhookId: s.hookId } }), (d) => d.length === PER_CONTACT && d.some((x) => x.attempts > 0 && x.lastError !== null), 120_000);
      await h.stop();
      await h.start();
      await waitForEvent(h, 'session.status', (e) => e.storeId === s.storeId && e.status === 'connected', 60_000);
      await sendBoth(PER_CONTACT / 2, PER_CONTACT);
      await eventually(() => h.db.prisma.webhookDelivery.count({ where: { webhookId: s.hookId } }), (n) => n === 2 * PER_CONTACT, 120_000);
    } finally {
      await receiver.up();
    }
    const before = receiver.accepted.length;
    await receiver.untilAccepted(before + 2 * PER_CONTACT);
    const mine = receiver.calls.filter((c) => c.body?.storeId === s.storeId && c.answered < 300);
    const ids = mine.map((c) => c.body!.id);
    expect(new Set(ids).size).toBe(2 * PER_CONTACT);
    const order = (who: string) => mine.map((c) => c.body!.data.text as string).filter((t) => t.startsWith(who));
    expect(order('ana')).toEqual(texts('ana', 0, PER_CONTACT));
    expect(order('beto')).toEqual(texts('beto', 0, PER_CONTACT));
    const log = await eventually(() => deliveriesOf(s, '?limit=200'), (d) => d.every((x) => x.status === 'delivered'), 60_000);
    expect(log.map((d) => d.status)).toEqual(Array(2 * PER_CONTACT).fill('delivered'));
  }, 300_000);

  it('a contact and an appointment made through the API reach the receiver once each, written with their rows', async () => {
    const s = await hookedStore('5511955550005', { events: ['contact.created', 'appointment.created'] });
    const contact = await h.request('POST', `/api/client/${s.storeId}/contacts`, { key: s.apiKey, body: { name: 'Dora', phone: '+55 11 97777-0005' } });
    expect(contact.status).toBe(201);
    const startsAt = new Date(Date.now() + 86_400_000).toISOString();
    const booked = await h.request('POST', `/api/client/${s.storeId}/appointments`, { key: s.apiKey, body: { contactId: contact.body.id, startsAt, endsAt: new Date(Date.parse(startsAt) + 1_800_000).toISOString() } });
    expect(booked.status).toBe(201);
    const made = await receiver.queue.take((c) => c.body?.type === 'contact.created' && c.body.data.contactId === contact.body.id, 'contact.created');
    const bookedCall = await receiver.queue.take((c) => c.body?.type === 'appointment.created' && c.body.data.appointmentId === booked.body.id, 'appointment.created');
    expect([made.verified, bookedCall.verified]).toEqual([true, true]);
    const log = await eventually(() => deliveriesOf(s), (d) => d.length === 2 && d.every((x) => x.status === 'delivered'));
    expect(log.map((d) => d.event).sort()).toEqual(['appointment.created', 'contact.created']);
  });

  it('an event past its hook\'s retry window is dead-lettered, listed, and delivered again by a replay under the same id', async () => {
    const s = await hookedStore('5511955550004');
    receiver.fallback = 503;
    try {
      await s.phone.contact('5511944440004').sendText('dead letter');
      await receiver.queue.take((c) => c.body?.data.text === 'dead letter', 'the first, refused call');
      // The event is made two days old: its next failure ends the retries.
      const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
      await h.db.prisma.webhookDelivery.updateMany({ where: { webhookId: s.hookId }, data: { createdAt: twoDaysAgo, retryFrom: twoDaysAgo } });
      const [dead] = await eventually(() => deliveriesOf(s, '?status=dead'), (d) => d.length === 1, 60_000);
      expect(dead).toMatchObject({ status: 'dead', lastResponseStatus: 503, lastError: 'HTTP 503' });
    } finally {
      receiver.fallback = 200;
    }
    const [dead] = await deliveriesOf(s, '?status=dead');
    // The replay's window is a new one: its first attempt failing is retried, not dead again.
    receiver.script = [503];
    const replay = await h.request('POST', `/api/client/${s.storeId}/webhooks/${s.hookId}/deliveries/${dead!.id}/replay`, { key: s.apiKey });
    expect([replay.status, replay.body.status]).toEqual([200, 'pending']);
    const call = await receiver.queue.take((c) => c.body?.data.text === 'dead letter' && c.answered === 200, 'the replayed call, its second attempt');
    expect(call.headers['webhook-id']).toBe(dead!.eventId);
    const [replayed] = await eventually(() => deliveriesOf(s), (d) => d[0]?.status === 'delivered');
    expect(replayed).toMatchObject({ attempts: 2, lastResponseStatus: 200 });
    // A delivery still pending is sent without a replay; another hook's id is not found.
    const again = await h.request('POST', `/api/client/${s.storeId}/webhooks/${s.hookId}/deliveries/nosuch/replay`, { key: s.apiKey });
    expect([again.status, again.body.error.code]).toEqual([404, 'NOT_FOUND']);
  });
});
