// Sends on other channels: queued by queueChannelSend, POSTed signed to the store's n8n (a loopback
// server here, verifying every signature with standardwebhooks), retried until n8n takes it, failed
// after the last attempt, and moved on by n8n's signed status callbacks.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startAppHarness, type AppHarness } from '../support/app-harness.js';
import { eventually } from '../support/eventually.js';
import { channelRowCounts, FakeN8n, makeChannelStore, signedPost, type ChannelStore } from './channel-support.js';

const MAX_ATTEMPTS = 3;
let h: AppHarness;
let n8n: FakeN8n;
const secrets = new Map<string, string>();
let store: ChannelStore;

beforeAll(async () => {
  h = await startAppHarness({
    env: { CHANNELS_ALLOW_PRIVATE_URLS: 'true', CHANNELS_RETRY_BASE_MS: '50', CHANNELS_MAX_ATTEMPTS: String(MAX_ATTEMPTS), CHANNELS_SCAN_INTERVAL_MS: '200' },
  });
  // As the daemon runs it: woken when a send is queued or a retry falls due, and a periodic scan
  // for what those miss (CI under load once saw a retry's in-process wake-up not come).
  h.services.channels.start();
  n8n = new FakeN8n((storeId) => secrets.get(storeId));
  await n8n.start();
  store = await setUpStore('Loja Telegram');
});
afterAll(async () => {
  await h?.services.channels.stop();
  await n8n?.stop();
  await h?.close();
});

async function setUpStore(name: string): Promise<ChannelStore> {
  const s = await makeChannelStore(h, name);
  secrets.set(s.storeId, s.secret);
  const res = await h.request('PATCH', `/api/client/${s.storeId}/channels`, { key: s.apiKey, body: { outboundUrl: n8n.url } });
  expect(res.status).toBe(200);
  return s;
}

/** A conversation on `channel`, opened the way n8n opens one: a signed inbound message. */
async function conversationOf(s: ChannelStore, handle: string, channel = 'telegram') {
  const res = await signedPost(h, `/api/webhooks/inbound/${s.storeId}/${channel}`, s.secret, {
    externalId: `in_${handle}_${Date.now()}`,
    sender: { handle, name: `Cliente ${handle}` },
    text: 'Olá',
    timestamp: new Date().toISOString(),
  });
  expect(res.status).toBe(200);
  return res.body as { conversationId: string; contactId: string };
}

const statusOf = (id: string) => h.db.prisma.message.findUniqueOrThrow({ where: { id }, include: { statusEvents: { orderBy: { at: 'asc' } }, channelSend: true } });

describe('queueChannelSend → the store\'s n8n', () => {
  it('an Instagram message answered from the dashboard: the reply reaches n8n signed, on instagram', async () => {
    const { conversationId } = await conversationOf(store, 'ig.cliente', 'instagram');
    const seen = n8n.deliveries.length;
    const reply = await h.request('POST', `/api/client/${store.storeId}/conversations/${conversationId}/messages`, { key: store.apiKey, body: { text: 'Oi! Temos sim.' } });
    expect([reply.status, reply.body]).toEqual([202, { id: expect.any(String), status: 'queued', channel: 'instagram' }]);
    await n8n.until(seen + 1);
    const got = n8n.deliveries[seen]!;
    expect([got.verified, got.headers['webhook-id'], got.body.channel, got.body.text, got.body.to.handle]).toEqual([true, reply.body.id, 'instagram', 'Oi! Temos sim.', 'ig.cliente']);
    // Media on another channel goes by URL (n8n fetches it); base64 is refused before anything is written.
    const before = await h.db.prisma.message.count({ where: { storeId: store.storeId } });
    const b64 = await h.request('POST', `/api/client/${store.storeId}/conversations/${conversationId}/messages`, { key: store.apiKey, body: { media: { base64: 'aGk=', mimetype: 'image/png' } } });
    expect([b64.status, b64.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(await h.db.prisma.message.count({ where: { storeId: store.storeId } })).toBe(before);
  });

  it('POSTs the signed payload (webhook-id = the message id) and the message becomes sent', async () => {
    const { conversationId, contactId } = await conversationOf(store, 'tg-100');
    const seen = n8n.deliveries.length;
    const queued = await h.services.channels.queueChannelSend({ storeId: store.storeId, conversationId, text: 'Seu pedido saiu!' });
    expect(queued).toEqual({ id: expect.any(String), status: 'queued' });
    const row = await h.db.prisma.message.findUniqueOrThrow({ where: { id: queued.id } });
    expect(row).toMatchObject({ channel: 'telegram', slot: null, direction: 'outbound', status: 'queued', contactId, conversationId, remoteJid: 'tg-100', type: 'text' });
    expect(row.waMessageId).toMatch(/^[0-9a-f-]{36}$/);

    await n8n.until(seen + 1);
    const got = n8n.deliveries[seen]!;
    expect(got.verified).toBe(true);
    expect(got.headers['webhook-id']).toBe(queued.id);
    expect(got.body).toEqual({
      storeId: store.storeId,
      channel: 'telegram',
      conversationId,
      messageId: queued.id,
      externalId: row.waMessageId,
      to: { handle: 'tg-100', name: 'Cliente tg-100' },
      text: 'Seu pedido saiu!',
      media: null,
    });
    const sent = await eventually(() => statusOf(queued.id), (m) => m.status === 'sent');
    expect(sent.status).toBe('sent');
    expect(sent.statusEvents.map((e) => e.status)).toEqual(['queued', 'sent']);
    expect(sent.channelSend).toMatchObject({ state: 'done', attempts: 1, lastError: null, leaseUntil: null });
    // Answering is reading: the thread's unread count starts again.
    expect((await h.db.prisma.conversation.findUniqueOrThrow({ where: { id: conversationId } })).unreadCount).toBe(0);
  });

  it('n8n answering 500 twice, then 200: retried under the same webhook-id, sent once it is taken', async () => {
    const { conversationId } = await conversationOf(store, 'tg-200');
    const seen = n8n.deliveries.length;
    n8n.script = [500, 500, 200];
    const media = { url: 'https://cdn.example.com/menu.pdf', mimetype: 'application/pdf', fileName: 'menu.pdf' };
    const queued = await h.services.channels.queueChannelSend({ storeId: store.storeId, conversationId, media });
    await n8n.until(seen + 3);
    const tries = n8n.deliveries.slice(seen);
    expect(tries.map((d) => d.answered)).toEqual([500, 500, 200]);
    expect(tries.every((d) => d.verified && d.headers['webhook-id'] === queued.id)).toBe(true);
    expect(tries[0]!.body).toMatchObject({ text: null, media });
    const sent = await eventually(() => statusOf(queued.id), (m) => m.status === 'sent');
    expect(sent).toMatchObject({ status: 'sent', type: 'document' });
    expect(sent.statusEvents.map((e) => e.status)).toEqual(['queued', 'sent']);
    expect(sent.channelSend).toMatchObject({ state: 'done', attempts: 3 });
  });

  it(`n8n failing every attempt: after ${MAX_ATTEMPTS} the send and the message are failed, with the reason`, async () => {
    const { conversationId } = await conversationOf(store, 'tg-300');
    const seen = n8n.deliveries.length;
    n8n.script = Array(MAX_ATTEMPTS).fill(503);
    const queued = await h.services.channels.queueChannelSend({ storeId: store.storeId, conversationId, text: 'vai falhar' });
    await n8n.until(seen + MAX_ATTEMPTS);
    const failed = await eventually(() => statusOf(queued.id), (m) => m.status === 'failed');
    expect(failed.status).toBe('failed');
    expect(failed.channelSend).toMatchObject({ state: 'failed', attempts: MAX_ATTEMPTS, lastError: 'HTTP 503', leaseUntil: null });
    expect(failed.statusEvents.map((e) => [e.status, e.errorCode])).toEqual([['queued', null], ['failed', 'HTTP 503']]);
  });
});

describe('POST /api/webhooks/status/:storeId', () => {
  it('moves a sent message to delivered, then read; never back; by our id or the external id', async () => {
    const { conversationId } = await conversationOf(store, 'tg-400');
    const seen = n8n.deliveries.length;
    const queued = await h.services.channels.queueChannelSend({ storeId: store.storeId, conversationId, text: 'chegou?' });
    await n8n.until(seen + 1);
    await eventually(() => statusOf(queued.id), (m) => m.status === 'sent');
    const externalId = n8n.deliveries[seen]!.body.externalId;
    const post = (body: unknown) => signedPost(h, `/api/webhooks/status/${store.storeId}`, store.secret, body);

    expect((await post({ messageId: queued.id, status: 'delivered' })).body).toEqual({ messageId: queued.id, status: 'delivered', changed: true });
    expect((await post({ externalId, status: 'read', at: new Date().toISOString() })).body).toEqual({ messageId: queued.id, status: 'read', changed: true });
    const back = await post({ messageId: queued.id, status: 'delivered' });
    expect(back.status).toBe(200);
    expect(back.body).toEqual({ messageId: queued.id, status: 'read', changed: false });
    const m = await statusOf(queued.id);
    expect(m.status).toBe('read');
    expect(m.statusEvents.map((e) => e.status)).toEqual(['queued', 'sent', 'delivered', 'read']);
  });

  it('a failure report carries its reason', async () => {
    const { conversationId } = await conversationOf(store, 'tg-500');
    const seen = n8n.deliveries.length;
    const queued = await h.services.channels.queueChannelSend({ storeId: store.storeId, conversationId, text: 'bloqueado' });
    await n8n.until(seen + 1);
    await eventually(() => statusOf(queued.id), (m) => m.status === 'sent');
    const res = await signedPost(h, `/api/webhooks/status/${store.storeId}`, store.secret, { messageId: queued.id, status: 'failed', reason: 'user blocked the page' });
    expect(res.body).toEqual({ messageId: queued.id, status: 'failed', changed: true });
    expect((await statusOf(queued.id)).statusEvents.at(-1)).toMatchObject({ status: 'failed', errorCode: 'user blocked the page' });
  });

  it('an unknown message, an inbound one or another store\'s → 404; unsigned → 401; bad input → 400; nothing written', async () => {
    const other = await setUpStore('Outra loja');
    const { conversationId } = await conversationOf(other, 'tg-600');
    const seen = n8n.deliveries.length;
    const theirs = await h.services.channels.queueChannelSend({ storeId: other.storeId, conversationId, text: 'deles' });
    await n8n.until(seen + 1);
    const inbound = await h.db.prisma.message.findFirstOrThrow({ where: { storeId: store.storeId, direction: 'inbound' } });
    const before = await channelRowCounts(h, store.storeId);
    const post = (body: unknown, secret = store.secret) => signedPost(h, `/api/webhooks/status/${store.storeId}`, secret, body);

    for (const body of [{ messageId: 'nosuchmessage', status: 'read' }, { externalId: 'nosuch', status: 'read' }, { messageId: inbound.id, status: 'read' }, { messageId: theirs.id, status: 'read' }]) {
      const res = await post(body);
      expect(res.status).toBe(404);
      expect(res.body.error).toEqual(expect.objectContaining({ code: 'NOT_FOUND', requestId: expect.any(String) }));
    }
    expect((await post({ messageId: theirs.id, status: 'read' }, other.secret)).status).toBe(401);
    expect((await h.request('POST', `/api/webhooks/status/${store.storeId}`, { body: { messageId: theirs.id, status: 'read' } })).status).toBe(401);
    for (const body of [
      { status: 'read' },
      { messageId: inbound.id, externalId: 'x', status: 'read' },
      { messageId: inbound.id, status: 'played' },
      { messageId: inbound.id, status: 'queued' },
      { messageId: '../x', status: 'read' },
      { messageId: inbound.id, status: 'read', at: 'now' },
      { messageId: inbound.id, status: 'failed', reason: 'x'.repeat(501) },
      { messageId: inbound.id, status: 'read', extra: true },
    ]) {
      const res = await post(body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    expect(await channelRowCounts(h, store.storeId)).toEqual(before);
    expect((await statusOf(inbound.id)).status).toBe('received');
  });
});

describe('refused sends write nothing', () => {
  it('no outbound URL or no secret → 409; a WhatsApp or unknown conversation → 409 / 404; bad content → 400', async () => {
    const bare = await makeChannelStore(h, 'Sem URL');
    const { conversationId } = await conversationOf(bare, 'tg-700');
    const before = await channelRowCounts(h, bare.storeId);
    const refusal = (p: Promise<unknown>) => p.then(() => null, (err: { status?: number; code?: string }) => [err.status, err.code]);
    const send = (over: Record<string, unknown> = {}) => h.services.channels.queueChannelSend({ storeId: bare.storeId, conversationId, text: 'oi', ...over });

    expect(await refusal(send())).toEqual([409, 'CONFLICT']);
    await h.db.prisma.storeSettings.update({ where: { storeId: bare.storeId }, data: { channelsOutboundUrl: n8n.url, channelsSecretEnc: null } });
    expect(await refusal(send())).toEqual([409, 'CONFLICT']);
    expect(await channelRowCounts(h, bare.storeId)).toEqual(before);

    const contact = await h.db.prisma.contact.create({ data: { storeId: store.storeId, jidPn: '5511999990000@s.whatsapp.net', phone: '+5511999990000' } });
    const wa = await h.db.prisma.conversation.create({ data: { storeId: store.storeId, contactId: contact.id, channel: 'whatsapp', slot: 1 } });
    const storeBefore = await channelRowCounts(h, store.storeId);
    const sendOn = (id: string, over: Record<string, unknown> = {}) => h.services.channels.queueChannelSend({ storeId: store.storeId, conversationId: id, text: 'oi', ...over });
    expect(await refusal(sendOn(wa.id))).toEqual([409, 'CONFLICT']);
    expect(await refusal(sendOn('nosuchconversation'))).toEqual([404, 'NOT_FOUND']);
    // Another store's conversation is not this store's to send on.
    expect(await refusal(sendOn(conversationId))).toEqual([404, 'NOT_FOUND']);
    const { conversationId: mine } = await conversationOf(store, 'tg-701');
    const afterInbound = await channelRowCounts(h, store.storeId);
    for (const over of [{ text: undefined }, { text: '' }, { text: 'x'.repeat(65_537) }, { text: undefined, media: { url: 'ftp://x/y' } }, { media: { url: 'https://x/y', mimetype: 'pdf' } }]) {
      await expect(sendOn(mine, over)).rejects.toMatchObject({ name: 'ZodError' });
    }
    expect(await channelRowCounts(h, store.storeId)).toEqual(afterInbound);
    expect(afterInbound.messages).toBe(storeBefore.messages + 1);
  });
});

describe('a send whose process died', () => {
  it('falls due again when its lease lapses and goes out from the periodic scan', async () => {
    const { conversationId } = await conversationOf(store, 'tg-800');
    const seen = n8n.deliveries.length;
    // What a process that claimed the send and died leaves behind: sending, its lease in the past.
    const message = await h.db.prisma.message.create({
      data: { storeId: store.storeId, channel: 'telegram', conversationId, waMessageId: 'orphan-1', remoteJid: 'tg-800', direction: 'outbound', text: 'órfã', status: 'queued', sentAt: new Date() },
    });
    await h.db.prisma.channelSend.create({ data: { storeId: store.storeId, messageId: message.id, state: 'sending', attempts: 1, leaseUntil: new Date(Date.now() - 1000) } });
    // Nothing kicks the worker for it: the periodic scan (started in beforeAll) finds it.
    await n8n.until(seen + 1);
    expect(n8n.deliveries[seen]!.headers['webhook-id']).toBe(message.id);
    const sent = await eventually(() => statusOf(message.id), (m) => m.status === 'sent');
    expect(sent.channelSend).toMatchObject({ state: 'done', attempts: 2 });
  });
});
