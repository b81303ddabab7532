// Sends end to end: the dashboard posts a message, the slot's owner sends it through the real
// Baileys client, the simulator's contact decrypts it and answers with receipts, and the message's
// status follows them.
import { describe, expect, it } from '@jest/globals';
import { useDaemonSuite } from '../support/daemon-harness.js';
import { eventually } from '../support/eventually.js';
import { linkSlot } from '../support/link-slot.js';

const ctx = useDaemonSuite();

const send = (store: { storeId: string; apiKey: string }, body: unknown) =>
  ctx.h.request('POST', `/api/whatsapp/${store.storeId}/messages`, { key: store.apiKey, body });
const read = (store: { storeId: string; apiKey: string }, id: string) =>
  ctx.h.request('GET', `/api/whatsapp/${store.storeId}/messages/${id}`, { key: store.apiKey });

async function statusOf(store: { storeId: string; apiKey: string }, id: string, status: string) {
  return eventually(async () => (await read(store, id)).body, (b) => b.status === status);
}

describe('sending a text', () => {
  it('reaches the contact exactly as written, shows typing first, and follows sent → delivered → read', async () => {
    const store = await ctx.h.createStore('Send Store');
    await linkSlot(ctx.h, ctx.sim, store, 1, '5511955551001');
    const contact = ctx.sim.phone('5511955551001').contact('5511988881001', { pushName: 'Ana' });

    const text = 'Olá Ana! Sua pizza sai em 20 minutos 🍕';
    const accepted = await send(store, { to: '+55 (11) 98888-1001', type: 'text', text });
    expect(accepted.status).toBe(202);
    expect(accepted.body).toEqual(expect.objectContaining({ status: 'queued', slot: 1, to: contact.pnJid, waMessageId: expect.any(String), heldBy: null }));

    const received = await contact.waitForText(text);
    expect(received.text).toBe(text);
    // The 202 named the WhatsApp id the phone sees.
    expect(received.id).toBe(accepted.body.waMessageId);
    // "typing…" went to the contact before the message did.
    expect(contact.chatStates.peekAll().map((s) => s.state)).toContain('composing');

    const sent = await statusOf(store, accepted.body.id, 'sent');
    expect(sent.status).toBe('sent');
    expect(sent.waMessageId).toBe(received.id);

    contact.sendReceipt(received.id, 'delivered');
    expect((await statusOf(store, accepted.body.id, 'delivered')).status).toBe('delivered');
    contact.sendReceipt(received.id, 'read');
    const done = await statusOf(store, accepted.body.id, 'read');
    expect(done.history.map((e: { status: string }) => e.status)).toEqual(['queued', 'sent', 'delivered', 'read']);

    // A late delivery receipt does not move a read message back.
    contact.sendReceipt(received.id, 'delivered');
    await contact.sendText('obrigada');
    await eventually(() => ctx.h.db.prisma.message.count({ where: { storeId: store.storeId, direction: 'inbound' } }), (n) => n === 1);
    expect((await read(store, accepted.body.id)).body.status).toBe('read');

    // One conversation; the contact's reply (often in the same WhatsApp second as our send) is the newest.
    const inbox = await ctx.h.request('GET', `/api/client/${store.storeId}/inbox`, { key: store.apiKey });
    expect(inbox.body.data).toHaveLength(1);
    expect(inbox.body.data[0].lastMessage).toEqual(expect.objectContaining({ text: 'obrigada', direction: 'inbound' }));
    const thread = await ctx.h.request('GET', `/api/client/${store.storeId}/conversations/${inbox.body.data[0].conversationId}`, { key: store.apiKey });
    expect(thread.body.messages.map((m: { text: string }) => m.text)).toEqual(['obrigada', text]);
  });

  it('goes from the slot the contact last wrote to', async () => {
    const store = await ctx.h.createStore('Two Slot Store');
    await linkSlot(ctx.h, ctx.sim, store, 1, '5511955551002');
    await linkSlot(ctx.h, ctx.sim, store, 2, '5511955551003');
    const viaTwo = ctx.sim.phone('5511955551003').contact('5511988881002', { pushName: 'Bruno' });
    await viaTwo.sendText('oi, é pelo número 2');
    await eventually(() => ctx.h.db.prisma.message.count({ where: { storeId: store.storeId } }), (n) => n === 1);

    const accepted = await send(store, { to: '11988881002', type: 'text', text: 'respondendo pelo 2' });
    expect(accepted.body.slot).toBe(2);
    expect((await viaTwo.waitForText('respondendo pelo 2')).text).toBe('respondendo pelo 2');
  });

  it('with an Idempotency-Key, a retried or doubled request is the same message, sent once', async () => {
    const store = await ctx.h.createStore('Retry Store');
    await linkSlot(ctx.h, ctx.sim, store, 1, '5511955551004');
    const contact = ctx.sim.phone('5511955551004').contact('5511988881004');
    const post = (key: string) =>
      ctx.h.request('POST', `/api/whatsapp/${store.storeId}/messages`, { key: store.apiKey, headers: { 'idempotency-key': key }, body: { to: contact.pnJid, type: 'text', text: 'só uma vez' } });
    const [a, b] = await Promise.all([post('pedido-42'), post('pedido-42')]);
    const c = await post('pedido-42');
    expect([a.status, b.status, c.status]).toEqual([202, 202, 202]);
    expect(new Set([a.body.id, b.body.id, c.body.id]).size).toBe(1);
    await contact.waitForText('só uma vez');
    await send(store, { to: contact.pnJid, type: 'text', text: 'marcador' });
    await contact.waitForText('marcador');
    expect(contact.inbox.peekAll().filter((m) => m.text === 'só uma vez')).toEqual([]);
    expect(await ctx.h.db.prisma.message.count({ where: { storeId: store.storeId, text: 'só uma vez' } })).toBe(1);
    // A key is visible ASCII, at most 128 characters.
    const bad = await post('x'.repeat(129));
    expect([bad.status, bad.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
  });

  it('several first messages to one new number at once are all accepted, under one contact and one thread', async () => {
    const store = await ctx.h.createStore('Rush Store');
    await linkSlot(ctx.h, ctx.sim, store, 1, '5511955551005');
    const numbers = ['5511988882001', '5511988882002', '5511988882003'];
    const contacts = numbers.map((n) => ctx.sim.phone('5511955551005').contact(n));
    // Four POSTs at once to each new number: each finds no contact, and all but one lose the insert.
    const answers = await Promise.all(contacts.flatMap((c) => [1, 2, 3, 4].map((i) => send(store, { to: c.pnJid, type: 'text', text: `pedido ${i}`, options: { typing: false } }))));
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 202));
    for (const c of contacts) for (const i of [1, 2, 3, 4]) await c.waitForText(`pedido ${i}`);
    const rows = await ctx.h.db.prisma.contact.findMany({ where: { storeId: store.storeId }, select: { jidPn: true, _count: { select: { conversations: true } } } });
    expect(rows.map((r) => [r.jidPn, r._count.conversations]).sort()).toEqual(contacts.map((c) => [c.pnJid, 1]).sort());
  });

  it('with no connected slot is a 409 that says so, and writes nothing', async () => {
    const store = await ctx.h.createStore('Unlinked Store');
    const res = await send(store, { to: '+5511988881003', type: 'text', text: 'ninguém' });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/connected/);
    expect(await ctx.h.db.prisma.message.count({ where: { storeId: store.storeId } })).toBe(0);
  });
});
