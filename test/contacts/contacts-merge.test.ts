// POST /api/client/:storeId/contacts/:id/merge and GET …/:id/profile: two contacts that are one
// person become one (every message once, every thread, appointment, snapshot and handle moved,
// the other's addresses taken, the other gone), and the profile page of a contact.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startAppHarness, type AppHarness } from '../support/app-harness.js';
import { makeStore } from '../support/factories.js';
import { contactsApi, makeContact, makeConversation, makeMessage, recordEvents, snapshotContacts, whatsappMessageFrom, type Store } from './contact-factories.js';

let h: AppHarness;
let store: Store;
let api: ReturnType<typeof contactsApi>;

beforeAll(async () => {
  h = await startAppHarness();
  store = await makeStore(h.services);
  api = contactsApi(h, store);
});

afterAll(() => h.close());

const hour = 3_600_000;

/** Ana known by LID (kept), and the same Ana known by number, with history on both sides. */
async function twoAnas() {
  const s = store.storeId;
  const keep = await makeContact(h, s, { name: 'Ana', jidLid: '900000000000001@lid', tags: ['vip'], notes: 'cliente antiga' });
  const other = await makeContact(h, s, { name: 'Ana Paula', pushName: 'Aninha', jidPn: '5511944443333@s.whatsapp.net', phone: '+5511944443333', email: 'ana@example.com', tags: ['vip', 'pizza'], notes: 'pediu desconto' });
  const ago = (hours: number) => new Date(Date.now() - hours * hour);
  const keptOpen = await makeConversation(h, s, keep.id, { startedAt: ago(5), lastMessageAt: ago(1) });
  const otherOpen = await makeConversation(h, s, other.id, { startedAt: ago(6), lastMessageAt: ago(2), unreadCount: 1 });
  const otherClosed = await makeConversation(h, s, other.id, { status: 'closed', startedAt: ago(50), lastMessageAt: ago(48) });
  const otherInstagram = await makeConversation(h, s, other.id, { channel: 'instagram', startedAt: ago(4), lastMessageAt: ago(3) });
  const messages = [
    await makeMessage(h, s, keep.id, keptOpen.id),
    await makeMessage(h, s, keep.id, keptOpen.id, { direction: 'outbound' }),
    await makeMessage(h, s, other.id, otherOpen.id),
    await makeMessage(h, s, other.id, otherClosed.id),
    await makeMessage(h, s, other.id, otherInstagram.id, { channel: 'instagram' }),
    // A group line of hers: a contact, no thread.
    await makeMessage(h, s, other.id, null),
  ];
  const appointment = await h.db.prisma.appointment.create({ data: { storeId: s, contactId: other.id, startsAt: new Date(Date.now() + 24 * hour), endsAt: new Date(Date.now() + 25 * hour) } });
  const snapshot = await h.db.prisma.aiSnapshot.create({ data: { storeId: s, contactId: other.id, summary: 'gosta de pizza', reason: 'test' } });
  const identity = await h.db.prisma.contactIdentity.create({ data: { storeId: s, contactId: other.id, channel: 'instagram', handle: '@ana' } });
  return { keep, other, keptOpen, otherOpen, otherClosed, otherInstagram, messages, appointment, snapshot, identity };
}

describe('merging contacts', () => {
  it('keeps every message exactly once, moves every thread, appointment, snapshot and handle, takes what the kept one lacks, deletes the other', async () => {
    const a = await twoAnas();
    const events = recordEvents(h, ['contact.updated', 'conversation.closed']);
    const res = await api.merge(a.keep.id, { otherId: a.other.id });
    await h.bus.drain();
    events.stop();
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: a.keep.id, name: 'Ana', pushName: 'Aninha', jidLid: '900000000000001@lid', jidPn: '5511944443333@s.whatsapp.net', phone: '+5511944443333',
      email: 'ana@example.com', tags: ['vip', 'pizza'], notes: 'cliente antiga\n\npediu desconto',
      identities: [{ id: a.identity.id, channel: 'instagram', handle: '@ana', createdAt: expect.any(String) }],
    });

    const s = store.storeId;
    const messages = await h.db.prisma.message.findMany({ where: { storeId: s }, select: { id: true, contactId: true }, orderBy: { id: 'asc' } });
    expect(messages.map((m) => m.id)).toEqual(a.messages.map((m) => m.id).sort());
    expect(new Set(messages.map((m) => m.contactId))).toEqual(new Set([a.keep.id]));
    const threads = await h.db.prisma.conversation.findMany({ where: { storeId: s }, orderBy: { id: 'asc' } });
    expect(threads.map((c) => c.id)).toEqual([a.keptOpen, a.otherOpen, a.otherClosed, a.otherInstagram].map((c) => c.id).sort());
    expect(new Set(threads.map((c) => c.contactId))).toEqual(new Set([a.keep.id]));
    // One open WhatsApp thread per contact: hers closed; the Instagram one stays open.
    const status = Object.fromEntries(threads.map((c) => [c.id, c.status]));
    expect(status).toEqual({ [a.keptOpen.id]: 'open', [a.otherOpen.id]: 'closed', [a.otherClosed.id]: 'closed', [a.otherInstagram.id]: 'open' });
    expect(threads.find((c) => c.id === a.otherOpen.id)!.endedAt).toBeInstanceOf(Date);
    // Each message still sits in its own thread.
    expect(await h.db.prisma.message.findUniqueOrThrow({ where: { id: a.messages[2]!.id } })).toMatchObject({ conversationId: a.otherOpen.id });

    expect(await h.db.prisma.appointment.findUniqueOrThrow({ where: { id: a.appointment.id } })).toMatchObject({ contactId: a.keep.id });
    expect(await h.db.prisma.aiSnapshot.findUniqueOrThrow({ where: { id: a.snapshot.id } })).toMatchObject({ contactId: a.keep.id });
    expect(await h.db.prisma.contact.findUnique({ where: { id: a.other.id } })).toBeNull();
    expect((await api.get(a.other.id)).status).toBe(404);
    // The search keys follow: her email and number now find the kept contact.
    for (const q of ['ana@example', '11 94444-3333', 'aninha']) expect((await api.list(`?search=${encodeURIComponent(q)}`)).body.data.map((c: { id: string }) => c.id)).toEqual([a.keep.id]);

    expect(events.seen).toEqual([
      { name: 'conversation.closed', event: { storeId: s, conversationId: a.otherOpen.id, contactId: a.keep.id, channel: 'whatsapp', source: 'api', at: expect.any(Date) } },
      { name: 'contact.updated', event: { storeId: s, contactId: a.keep.id, fields: ['merged'], mergedContactId: a.other.id, source: 'api', at: expect.any(Date) } },
    ]);

    // Her next WhatsApp message, by number, reaches the kept contact's open thread.
    const stored = await h.services.messages.storeInbound(whatsappMessageFrom(s, '5511944443333@s.whatsapp.net', 'oi de novo'));
    expect([stored.contactId, stored.conversationId]).toEqual([a.keep.id, a.keptOpen.id]);
  });

  it('the kept contact keeps its own addresses and fields; the other\'s open thread moves open when the kept one has none there', async () => {
    const s = store.storeId;
    const keep = await makeContact(h, s, { name: 'Caio', jidPn: '5511922221111@s.whatsapp.net', phone: '+5511922221111', email: 'caio@example.com' });
    const other = await makeContact(h, s, { name: 'Caio 2', jidPn: '5511922220000@s.whatsapp.net', phone: '+5511922220000', jidLid: '900000000000002@lid', email: 'c2@example.com' });
    const open = await makeConversation(h, s, other.id);
    const res = await api.merge(keep.id, { otherId: other.id });
    expect(res.body).toMatchObject({ name: 'Caio', jidPn: '5511922221111@s.whatsapp.net', phone: '+5511922221111', email: 'caio@example.com', jidLid: '900000000000002@lid', tags: [], notes: null });
    expect(await h.db.prisma.conversation.findUniqueOrThrow({ where: { id: open.id } })).toMatchObject({ contactId: keep.id, status: 'open' });
  });

  it('the other\'s WhatsApp thread that started later, closed by the merge: her next message still finds one open thread, the kept one', async () => {
    const s = store.storeId;
    const ago = (hours: number) => new Date(Date.now() - hours * hour);
    const keep = await makeContact(h, s, { name: 'Duda', jidLid: '900000000000003@lid' });
    const other = await makeContact(h, s, { name: 'Duda', jidPn: '5511966665555@s.whatsapp.net', phone: '+5511966665555' });
    const keptOpen = await makeConversation(h, s, keep.id, { startedAt: ago(5), lastMessageAt: ago(3) });
    const otherOpen = await makeConversation(h, s, other.id, { startedAt: ago(1), lastMessageAt: ago(0.5) });
    expect((await api.merge(keep.id, { otherId: other.id })).status).toBe(200);
    expect(await h.db.prisma.conversation.findUniqueOrThrow({ where: { id: otherOpen.id } })).toMatchObject({ status: 'closed', contactId: keep.id });

    const stored = await h.services.messages.storeInbound(whatsappMessageFrom(s, '5511966665555@s.whatsapp.net', 'oi'));
    expect([stored.contactId, stored.conversationId]).toEqual([keep.id, keptOpen.id]);
    expect(await h.db.prisma.conversation.count({ where: { storeId: s, contactId: keep.id, status: 'open' } })).toBe(1);
  });

  it('refuses itself (400), unknown or another store\'s ids (404) and bad bodies (400), changing nothing', async () => {
    const s = store.storeId;
    const one = await makeContact(h, s, { name: 'Um' });
    const two = await makeContact(h, s, { name: 'Dois' });
    await makeMessage(h, s, two.id, (await makeConversation(h, s, two.id)).id);
    const foreign = await makeContact(h, (await makeStore(h.services)).storeId, { name: 'Alheio' });
    const before = await snapshotContacts(h, s);
    const messagesBefore = await h.db.prisma.message.findMany({ where: { storeId: s }, orderBy: { id: 'asc' } });

    const self = await api.merge(one.id, { otherId: one.id });
    expect([self.status, self.body.error.code]).toEqual([400, 'BAD_REQUEST']);
    for (const [id, otherId] of [[one.id, 'c_unknown_000'], ['c_unknown_000', one.id], [one.id, foreign.id], [foreign.id, one.id]]) {
      const res = await api.merge(id!, { otherId });
      expect([res.status, res.body.error.code]).toEqual([404, 'NOT_FOUND']);
    }
    for (const body of [{}, { otherId: 123 }, { otherId: two.id, extra: 1 }, { otherId: '' }, { otherId: 'x'.repeat(65) }, { otherId: [two.id] }, { id: two.id }]) {
      const res = await api.merge(one.id, body);
      expect([JSON.stringify(body).slice(0, 30), res.status, res.body.error.code]).toEqual([JSON.stringify(body).slice(0, 30), 400, 'VALIDATION_FAILED']);
    }
    expect(await snapshotContacts(h, s)).toEqual(before);
    expect(await h.db.prisma.message.findMany({ where: { storeId: s }, orderBy: { id: 'asc' } })).toEqual(messagesBefore);
  });
});

describe('a contact\'s profile', () => {
  it('has the latest snapshot, the last 10 messages newest first, recent threads, and the next appointments not cancelled', async () => {
    const s = store.storeId;
    const c = await makeContact(h, s, { name: 'Perfil', phone: '+5511911110000', jidPn: '5511911110000@s.whatsapp.net' });
    const old = await makeConversation(h, s, c.id, { status: 'closed', lastMessageAt: new Date(Date.now() - 72 * hour), startedAt: new Date(Date.now() - 80 * hour) });
    const recent = await makeConversation(h, s, c.id, { lastMessageAt: new Date(Date.now() - hour), unreadCount: 2 });
    const sent: string[] = [];
    for (let i = 0; i < 12; i++) sent.push((await makeMessage(h, s, c.id, i < 4 ? old.id : recent.id, { text: `m${i}`, sentAt: new Date(Date.now() - (100 - i) * 60_000) })).id);
    await h.db.prisma.aiSnapshot.create({ data: { storeId: s, contactId: c.id, summary: 'antigo', reason: 'r', createdAt: new Date(Date.now() - 10 * hour) } });
    const latest = await h.db.prisma.aiSnapshot.create({ data: { storeId: s, contactId: c.id, summary: 'gosta de margherita', flags: { vip: true }, model: 'm', reason: 'conversation_closed' } });
    const service = await h.db.prisma.service.create({ data: { storeId: s, name: 'Corte', durationMinutes: 30 } });
    const at = (hours: number) => ({ startsAt: new Date(Date.now() + hours * hour), endsAt: new Date(Date.now() + hours * hour + 30 * 60_000) });
    await h.db.prisma.appointment.create({ data: { storeId: s, contactId: c.id, ...at(-5) } });
    await h.db.prisma.appointment.create({ data: { storeId: s, contactId: c.id, ...at(2), status: 'cancelled' } });
    const later = await h.db.prisma.appointment.create({ data: { storeId: s, contactId: c.id, ...at(48), status: 'confirmed' } });
    const soon = await h.db.prisma.appointment.create({ data: { storeId: s, contactId: c.id, serviceId: service.id, ...at(3), notes: 'trazer foto' } });
    for (let i = 0; i < 10; i++) await h.db.prisma.appointment.create({ data: { storeId: s, contactId: c.id, ...at(100 + i) } });
    // Someone else's rows never show.
    const stranger = await makeContact(h, s, { name: 'Outro' });
    await makeMessage(h, s, stranger.id, (await makeConversation(h, s, stranger.id)).id);

    const res = await api.profile(c.id);
    expect(res.status).toBe(200);
    const p = res.body;
    expect(p.contact).toMatchObject({ id: c.id, name: 'Perfil', phone: '+5511911110000', identities: [] });
    expect(p.snapshot).toEqual({ id: latest.id, conversationId: null, summary: 'gosta de margherita', flags: { vip: true }, model: 'm', reason: 'conversation_closed', createdAt: latest.createdAt.toISOString() });
    expect(p.messages.map((m: { id: string }) => m.id)).toEqual(sent.slice(2).reverse());
    expect(p.messages[0]).toEqual({
      id: sent[11], conversationId: recent.id, channel: 'whatsapp', slot: 1, direction: 'inbound', type: 'text', text: 'm11', status: 'received', metadata: {},
      sentAt: expect.any(String), media: null, mediaUrl: null,
    });
    expect(p.conversations).toEqual([
      { id: recent.id, channel: 'whatsapp', status: 'open', slot: 1, unread: 2, startedAt: expect.any(String), lastMessageAt: recent.lastMessageAt!.toISOString() },
      { id: old.id, channel: 'whatsapp', status: 'closed', slot: 1, unread: 0, startedAt: old.startedAt.toISOString(), lastMessageAt: old.lastMessageAt!.toISOString() },
    ]);
    expect(p.appointments).toHaveLength(10);
    expect(p.appointments.slice(0, 2)).toEqual([
      { id: soon.id, service: { id: service.id, name: 'Corte' }, startsAt: soon.startsAt.toISOString(), endsAt: soon.endsAt.toISOString(), status: 'scheduled', notes: 'trazer foto' },
      { id: later.id, service: null, startsAt: later.startsAt.toISOString(), endsAt: later.endsAt.toISOString(), status: 'confirmed', notes: null },
    ]);
    const starts = p.appointments.map((a: { startsAt: string }) => a.startsAt);
    expect(starts).toEqual([...starts].sort());
  });

  it('a contact with nothing yet: no snapshot, empty lists', async () => {
    const c = await makeContact(h, store.storeId, { name: 'Novo' });
    const res = await api.profile(c.id);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ snapshot: null, messages: [], conversations: [], appointments: [] });
  });
});
