// Messages from other channels through the signed inbound webhook: a new contact and thread on the
// channel, stored once per externalId, and nothing written for anything not signed by the store.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { Webhook } from 'standardwebhooks';
import { createChannelInboundRepo } from '../../src/channels/channel-inbound.repo.js';
import { createChannelsRepo } from '../../src/channels/channels.repo.js';
import { createChannelsService } from '../../src/channels/channels.service.js';
import { ChannelSendWorker } from '../../src/channels/channel-send.worker.js';
import { createChannelSendsRepo } from '../../src/channels/channel-sends.repo.js';
import type { DomainEvents } from '../../src/events/domain-events.js';
import { DomainEventBus } from '../../src/events/event-bus.js';
import { createKeyring } from '../../src/security/secret-box.js';
import { SECRETS_KEY, startAppHarness, type AppHarness } from '../support/app-harness.js';
import { channelRowCounts, makeChannelStore, signedPost, type ChannelStore } from './channel-support.js';

let h: AppHarness;
let store: ChannelStore;
beforeAll(async () => {
  h = await startAppHarness();
  store = await makeChannelStore(h, 'Loja Instagram');
});
afterAll(async () => {
  await h?.services.channels.stop();
  await h?.close();
});

const inboundPath = (storeId: string, channel = 'instagram') => `/api/webhooks/inbound/${storeId}/${channel}`;
const message = (over: Record<string, unknown> = {}) => ({
  externalId: `ig_${Math.random().toString(36).slice(2)}`,
  sender: { handle: '17841400000000001', name: 'Joana Instagram' },
  text: 'Oi, vocês abrem domingo?',
  timestamp: new Date().toISOString(),
  ...over,
});

describe('POST /api/webhooks/inbound/:storeId/:channel', () => {
  it('an Instagram message opens a conversation on instagram with a new contact (a lead with that identity)', async () => {
    const body = message();
    const res = await signedPost(h, inboundPath(store.storeId), store.secret, body);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ messageId: expect.any(String), conversationId: expect.any(String), contactId: expect.any(String), duplicate: false });

    const p = h.db.prisma;
    const contact = await p.contact.findUniqueOrThrow({ where: { id: res.body.contactId }, include: { identities: true } });
    expect(contact).toMatchObject({ storeId: store.storeId, name: 'Joana Instagram', jidPn: null, jidLid: null });
    expect(contact.identities).toEqual([expect.objectContaining({ channel: 'instagram', handle: '17841400000000001' })]);
    const conversation = await p.conversation.findUniqueOrThrow({ where: { id: res.body.conversationId } });
    expect(conversation).toMatchObject({ channel: 'instagram', status: 'open', slot: null, unreadCount: 1, contactId: contact.id });
    expect(conversation.lastMessageAt?.toISOString()).toBe(body.timestamp);
    const row = await p.message.findUniqueOrThrow({ where: { id: res.body.messageId } });
    expect(row).toMatchObject({ channel: 'instagram', slot: null, direction: 'inbound', status: 'received', type: 'text', text: body.text, waMessageId: body.externalId, conversationId: conversation.id });

    // It shows in the conversation as any other message.
    const page = await h.request('GET', `/api/client/${store.storeId}/conversations/${conversation.id}`, { key: store.apiKey });
    expect(page.status).toBe(200);
    expect(page.body.conversation.channel).toBe('instagram');
    expect(page.body.messages).toEqual([expect.objectContaining({ id: row.id, channel: 'instagram', slot: null, text: body.text })]);
  });

  it('the same externalId again → duplicate with the same ids, nothing new', async () => {
    const body = message({ sender: { handle: 'dup-handle' } });
    const first = await signedPost(h, inboundPath(store.storeId), store.secret, body);
    const before = await channelRowCounts(h, store.storeId);
    const again = await signedPost(h, inboundPath(store.storeId), store.secret, { ...body, text: 'redelivered' });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ ...first.body, duplicate: true });
    expect(await channelRowCounts(h, store.storeId)).toEqual(before);
    const conversation = await h.db.prisma.conversation.findUniqueOrThrow({ where: { id: first.body.conversationId } });
    expect(conversation.unreadCount).toBe(1);
  });

  it('the next message of the same person joins the open thread; after a day of quiet a new one opens', async () => {
    const sender = { handle: 'thread-handle', name: 'Rui' };
    const t0 = new Date(Date.now() - 3 * 86_400_000);
    const a = await signedPost(h, inboundPath(store.storeId), store.secret, message({ sender, timestamp: t0.toISOString() }));
    const b = await signedPost(h, inboundPath(store.storeId), store.secret, message({ sender, timestamp: new Date(t0.getTime() + 3_600_000).toISOString(), text: undefined, media: { url: 'https://cdn.example.com/p.jpg', mimetype: 'image/jpeg' } }));
    expect(b.body.conversationId).toBe(a.body.conversationId);
    expect(b.body.contactId).toBe(a.body.contactId);
    const photo = await h.db.prisma.message.findUniqueOrThrow({ where: { id: b.body.messageId } });
    expect(photo).toMatchObject({ type: 'image', text: null, metadata: { media: { url: 'https://cdn.example.com/p.jpg', mimetype: 'image/jpeg' }, senderName: 'Rui' } });
    expect((await h.db.prisma.conversation.findUniqueOrThrow({ where: { id: a.body.conversationId } })).unreadCount).toBe(2);

    const c = await signedPost(h, inboundPath(store.storeId), store.secret, message({ sender }));
    expect(c.body.contactId).toBe(a.body.contactId);
    expect(c.body.conversationId).not.toBe(a.body.conversationId);
    const threads = await h.db.prisma.conversation.findMany({ where: { storeId: store.storeId, contactId: a.body.contactId }, orderBy: { startedAt: 'asc' } });
    expect(threads.map((t) => t.status)).toEqual(['closed', 'open']);

    // The same handle on another channel is another identity (and so another person).
    const telegram = await signedPost(h, inboundPath(store.storeId, 'telegram'), store.secret, message({ sender }));
    expect(telegram.body.contactId).not.toBe(a.body.contactId);
  });

  it('the same new handle arriving many times at once makes one contact, one identity, one thread', async () => {
    const sender = { handle: 'race-handle', name: 'Ana' };
    const results = await Promise.all(Array.from({ length: 8 }, () => signedPost(h, inboundPath(store.storeId, 'messenger'), store.secret, message({ sender }))));
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect(new Set(results.map((r) => r.body.contactId)).size).toBe(1);
    expect(new Set(results.map((r) => r.body.conversationId)).size).toBe(1);
    const contactId = results[0]!.body.contactId;
    expect(await h.db.prisma.contactIdentity.count({ where: { storeId: store.storeId, channel: 'messenger', handle: 'race-handle' } })).toBe(1);
    expect((await h.db.prisma.conversation.findFirstOrThrow({ where: { contactId } })).unreadCount).toBe(8);

    // And the same message redelivered at once is stored once.
    const body = message({ sender: { handle: 'race-2' } });
    const same = await Promise.all(Array.from({ length: 6 }, () => signedPost(h, inboundPath(store.storeId, 'email'), store.secret, body)));
    expect(new Set(same.map((r) => r.body.messageId)).size).toBe(1);
    expect(same.filter((r) => !r.body.duplicate)).toHaveLength(1);
  });
});

describe('what is not signed by the store writes nothing', () => {
  const refusals: Array<[string, () => Promise<{ status: number; body: any }>]> = [
    ['no signature', () => h.request('POST', inboundPath(store.storeId), { body: message() })],
    ['signed with another secret', () => signedPost(h, inboundPath(store.storeId), 'whsec_' + Buffer.alloc(32, 7).toString('base64'), message())],
    ['the signature of another webhook-id', () => signedPost(h, inboundPath(store.storeId), store.secret, message(), { headers: { 'webhook-id': 'changed-id' } })],
    ['a body other than the one signed', () => {
      const at = new Date();
      const signature = new Webhook(store.secret).sign('wh_1', at, JSON.stringify(message()));
      return signedPost(h, inboundPath(store.storeId), store.secret, message(), { id: 'wh_1', at, headers: { 'webhook-signature': signature } });
    }],
    ['a timestamp over 5 minutes old', () => signedPost(h, inboundPath(store.storeId), store.secret, message(), { at: new Date(Date.now() - 6 * 60_000) })],
    ['a timestamp over 5 minutes ahead', () => signedPost(h, inboundPath(store.storeId), store.secret, message(), { at: new Date(Date.now() + 6 * 60_000) })],
    ['an unknown store', () => signedPost(h, inboundPath('nosuchstore'), store.secret, message())],
  ];
  it.each(refusals)('%s → 401 in the error shape', async (_label, send) => {
    const before = await channelRowCounts(h, store.storeId);
    const res = await send();
    expect(res.status).toBe(401);
    expect(res.body.error).toEqual(expect.objectContaining({ code: 'UNAUTHORIZED', message: expect.any(String), requestId: expect.any(String) }));
    expect(await channelRowCounts(h, store.storeId)).toEqual(before);
  });

  it('a store that has no channel secret yet → 401', async () => {
    const bare = await h.services.stores.create('No secret', { actor: 'admin' });
    const res = await signedPost(h, inboundPath(bare.storeId), store.secret, message());
    expect(res.status).toBe(401);
    expect(await channelRowCounts(h, bare.storeId)).toEqual({ contacts: 0, identities: 0, conversations: 0, messages: 0, sends: 0, events: 0 });
  });

  it('a replaced secret stops verifying at once', async () => {
    const own = await makeChannelStore(h, 'Rotates');
    const rotated = await h.request('POST', `/api/client/${own.storeId}/channels/secret`, { key: own.apiKey });
    expect((await signedPost(h, inboundPath(own.storeId), own.secret, message())).status).toBe(401);
    expect((await signedPost(h, inboundPath(own.storeId), rotated.body.secret, message())).status).toBe(200);
  });
});

describe('bad input, signed → 400 in the error shape, nothing written', () => {
  const BAD: Array<[string, unknown, string]> = [
    ['neither text nor media', { ...message(), text: undefined }, 'instagram'],
    ['empty text', message({ text: '' }), 'instagram'],
    ['text too long', message({ text: 'x'.repeat(65_537) }), 'instagram'],
    ['NUL in text', message({ text: 'a\u0000b' }), 'instagram'],
    ['no externalId', { ...message(), externalId: undefined }, 'instagram'],
    ['externalId too long', message({ externalId: 'x'.repeat(257) }), 'instagram'],
    ['no sender', { ...message(), sender: undefined }, 'instagram'],
    ['sender without handle', message({ sender: { name: 'x' } }), 'instagram'],
    ['unknown sender field', message({ sender: { handle: 'a', phone: '1' } }), 'instagram'],
    ['unknown field', message({ priority: 'high' }), 'instagram'],
    ['timestamp not ISO', message({ timestamp: 'yesterday' }), 'instagram'],
    ['timestamp without offset', message({ timestamp: '2026-12-01T10:00:00' }), 'instagram'],
    ['media without url', message({ media: { mimetype: 'image/png' } }), 'instagram'],
    ['media url not http', message({ media: { url: 'ftp://x/a.png' } }), 'instagram'],
    ['bad mimetype', message({ media: { url: 'https://x/a.png', mimetype: 'png' } }), 'instagram'],
    ['an array', [message()], 'instagram'],
    ['channel whatsapp', message(), 'whatsapp'],
    ['channel with capitals', message(), 'Instagram'],
    ['channel too long', message(), 'a'.repeat(33)],
  ];
  it.each(BAD)('%s', async (_label, body, channel) => {
    const before = await channelRowCounts(h, store.storeId);
    const res = await signedPost(h, inboundPath(store.storeId, channel), store.secret, body);
    expect(res.status).toBe(400);
    expect(Object.keys(res.body)).toEqual(['error']);
    expect(res.body.error).toEqual(expect.objectContaining({ code: 'VALIDATION_FAILED', requestId: expect.any(String) }));
    expect(await channelRowCounts(h, store.storeId)).toEqual(before);
  });

  it('malformed JSON → 400 INVALID_JSON', async () => {
    const res = await signedPost(h, inboundPath(store.storeId), store.secret, '{"externalId": ');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INVALID_JSON');
  });
});

describe('events', () => {
  it('a new contact is contact.created (source channel) and its thread conversation.opened; a redelivery emits nothing', async () => {
    // The service over the harness's database with a bus of the test's own, to watch what it emits.
    const bus = new DomainEventBus(pino({ level: 'silent' }));
    const seen: Array<[keyof DomainEvents, unknown]> = [];
    for (const type of ['contact.created', 'conversation.opened', 'conversation.closed'] as const) bus.on(type, 'test', (e) => void seen.push([type, e]), { durable: true });
    const keyring = createKeyring({ version: 1, secret: SECRETS_KEY });
    const worker = new ChannelSendWorker(createChannelSendsRepo(h.db.prisma), pino({ level: 'silent' }), { keyring, allowPrivateUrls: false, scanIntervalMs: 60_000, retryBaseMs: 1000, maxAttempts: 1 });
    const service = createChannelsService({ repo: createChannelsRepo(h.db.prisma), inbound: createChannelInboundRepo(h.db.prisma), worker, bus, keyring, allowPrivateUrls: false });
    const body = message({ sender: { handle: 'events-handle' } });
    const stored = await service.receive(store.storeId, 'instagram', body);
    await bus.drain();
    expect(seen).toEqual([
      ['contact.created', { storeId: store.storeId, contactId: stored.contactId, source: 'channel', at: expect.any(Date) }],
      ['conversation.opened', { storeId: store.storeId, conversationId: stored.conversationId, contactId: stored.contactId, channel: 'instagram', source: 'channel', at: expect.any(Date) }],
    ]);
    await service.receive(store.storeId, 'instagram', body);
    await bus.drain();
    expect(seen).toHaveLength(2);
  });
});
