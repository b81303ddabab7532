// The store's conversations over HTTP: listed by contact, status and channel; closed and reopened
// (never two open threads of one contact on one channel); marked read; answered on their channel.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DomainEvents } from '../../src/events/domain-events.js';
import { startAppHarness, type AppHarness } from '../support/app-harness.js';

let h: AppHarness;
beforeAll(async () => {
  h = await startAppHarness();
});
afterAll(async () => h?.close());

async function storeWithThreads() {
  const store = await h.services.stores.create(`Threads ${Math.random()}`, { actor: 'admin' });
  const p = h.db.prisma;
  const ana = await p.contact.create({ data: { storeId: store.storeId, jidPn: '5511911110000@s.whatsapp.net', name: 'Ana' } });
  const bia = await p.contact.create({ data: { storeId: store.storeId, jidPn: '5511922220000@s.whatsapp.net', name: 'Bia' } });
  const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000);
  const anaOld = await p.conversation.create({ data: { storeId: store.storeId, contactId: ana.id, slot: 1, status: 'closed', startedAt: at(300), endedAt: at(200) } });
  const anaWa = await p.conversation.create({ data: { storeId: store.storeId, contactId: ana.id, slot: 1, startedAt: at(100), lastMessageAt: at(5), unreadCount: 2 } });
  const anaIg = await p.conversation.create({ data: { storeId: store.storeId, contactId: ana.id, channel: 'instagram', startedAt: at(50) } });
  const biaWa = await p.conversation.create({ data: { storeId: store.storeId, contactId: bia.id, slot: 2, startedAt: at(10) } });
  for (const [i, sentAt] of [at(6), at(5)].entries()) {
    await p.message.create({
      data: { storeId: store.storeId, slot: 1, contactId: ana.id, conversationId: anaWa.id, waMessageId: `IN${i}`, remoteJid: ana.jidPn!, direction: 'inbound', status: 'received', text: `oi ${i}`, sentAt },
    });
  }
  return { ...store, ana, bia, anaOld, anaWa, anaIg, biaWa };
}

const ids = (body: { data: { id: string }[] }) => body.data.map((c) => c.id);

describe('conversations', () => {
  it('lists newest first, by contact, status and channel, a page at a time', async () => {
    const s = await storeWithThreads();
    const get = (q: string) => h.request('GET', `/api/client/${s.storeId}/conversations${q}`, { key: s.apiKey });
    expect(ids((await get('')).body)).toEqual([s.biaWa.id, s.anaIg.id, s.anaWa.id, s.anaOld.id]);
    expect(ids((await get(`?contactId=${s.ana.id}`)).body)).toEqual([s.anaIg.id, s.anaWa.id, s.anaOld.id]);
    expect(ids((await get('?status=closed')).body)).toEqual([s.anaOld.id]);
    expect(ids((await get('?channel=instagram')).body)).toEqual([s.anaIg.id]);
    const first = (await get('?limit=3')).body;
    expect(ids(first)).toEqual([s.biaWa.id, s.anaIg.id, s.anaWa.id]);
    const second = (await get(`?limit=3&cursor=${first.nextCursor}`)).body;
    expect([ids(second), second.nextCursor]).toEqual([[s.anaOld.id], null]);
    expect((await get('?status=archived')).status).toBe(400);
    expect((await get('?channel=Insta')).status).toBe(400);
    expect((await get('?cursor=bogus')).status).toBe(400);
    expect((await get('?sort=asc')).status).toBe(400);
  });

  it('closes and reopens, refusing a second open thread of the contact on that channel', async () => {
    const s = await storeWithThreads();
    const events: Array<keyof DomainEvents> = [];
    const offs = (['conversation.opened', 'conversation.closed'] as const).map((t) => h.bus.on(t, 'test', () => void events.push(t)));
    const post = (id: string, action: string) => h.request('POST', `/api/client/${s.storeId}/conversations/${id}/${action}`, { key: s.apiKey });

    const refused = await post(s.anaOld.id, 'reopen');
    expect([refused.status, refused.body.error.code, refused.body.error.message]).toEqual([409, 'CONFLICT', expect.stringContaining(s.anaWa.id)]);
    const closed = await post(s.anaWa.id, 'close');
    expect([closed.status, closed.body.status, typeof closed.body.endedAt]).toEqual([200, 'closed', 'string']);
    expect((await post(s.anaWa.id, 'close')).body.status).toBe('closed'); // again: no change
    const reopened = await post(s.anaOld.id, 'reopen');
    expect([reopened.status, reopened.body.status, reopened.body.endedAt]).toEqual([200, 'open', null]);
    await h.bus.drain();
    expect(events).toEqual(['conversation.closed', 'conversation.opened']);
    offs.forEach((off) => off());
    // The Instagram thread stays open beside the WhatsApp one: one per channel.
    expect((await h.db.prisma.conversation.findUniqueOrThrow({ where: { id: s.anaIg.id } })).status).toBe('open');
  });

  it('marks read: unread back to zero; no receipts asked, none sent', async () => {
    const s = await storeWithThreads();
    const read = await h.request('POST', `/api/client/${s.storeId}/conversations/${s.anaWa.id}/read`, { key: s.apiKey });
    expect([read.status, read.body.conversation.unread, read.body.receipts]).toEqual([200, 0, null]);
    // With receipts asked and no slot connected: still read, and the answer says why none went out.
    await h.db.prisma.conversation.update({ where: { id: s.anaWa.id }, data: { unreadCount: 2 } });
    const asked = await h.request('POST', `/api/client/${s.storeId}/conversations/${s.anaWa.id}/read`, { key: s.apiKey, body: { receipts: true } });
    expect([asked.status, asked.body.conversation.unread, asked.body.receipts.sent, asked.body.receipts.error]).toEqual([200, 0, 0, expect.stringContaining('not connected')]);
    expect((await h.request('POST', `/api/client/${s.storeId}/conversations/${s.anaWa.id}/read`, { key: s.apiKey, body: { receipts: 'yes' } })).status).toBe(400);
  });

  it('sends on the conversation’s channel, and refuses bad bodies without writing', async () => {
    const s = await storeWithThreads();
    const send = (id: string, body: unknown) => h.request('POST', `/api/client/${s.storeId}/conversations/${id}/messages`, { key: s.apiKey, body });
    const before = await h.db.prisma.message.count({ where: { storeId: s.storeId } });
    for (const bad of [{}, { text: '' }, { text: 'x'.repeat(4097) }, { text: 'oi', media: { mimetype: 'image/png', base64: 'aGk=' } }, { text: 'oi', extra: 1 }, { media: { mimetype: 'png', base64: 'aGk=' } }, { media: { mimetype: 'image/png' } }]) {
      const r = await send(s.anaWa.id, bad);
      expect({ bad, status: r.status, code: r.body.error?.code }).toEqual({ bad, status: 400, code: 'VALIDATION_FAILED' });
    }
    // WhatsApp, no slot connected: the send queue's own answer (409, nothing queued).
    const wa = await send(s.anaWa.id, { text: 'oi Ana' });
    expect([wa.status, wa.body.error.code]).toEqual([409, 'CONFLICT']);
    expect(await h.db.prisma.message.count({ where: { storeId: s.storeId } })).toBe(before);
    expect((await send('nope', { text: 'oi' })).status).toBe(404);
  });

  it('never shows or changes another store’s conversation', async () => {
    const s = await storeWithThreads();
    const other = await h.services.stores.create('Other', { actor: 'admin' });
    for (const action of ['close', 'reopen', 'read']) {
      const r = await h.request('POST', `/api/client/${other.storeId}/conversations/${s.anaWa.id}/${action}`, { key: other.apiKey });
      expect({ action, status: r.status }).toEqual({ action, status: 404 });
    }
    expect((await h.request('GET', `/api/client/${other.storeId}/conversations`, { key: other.apiKey })).body.data).toEqual([]);
    expect((await h.db.prisma.conversation.findUniqueOrThrow({ where: { id: s.anaWa.id } })).unreadCount).toBe(2);
  });
});
