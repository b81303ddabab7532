// Messages the store owner types on the phone itself (not through Drin) are the store's outbound
// messages too: WhatsApp copies them to the linked slot, and they land in the contact's
// conversation once. The daemon's own sends, which Baileys reports the same way, are not stored twice.
import { describe, expect, it } from '@jest/globals';
import { proto } from '@whiskeysockets/baileys';
import { useDaemonSuite, waitForEvent } from '../support/daemon-harness.js';
import { eventually } from '../support/eventually.js';
import { linkSlot } from '../support/link-slot.js';

const ctx = useDaemonSuite();

const inboxOf = async (store: { storeId: string; apiKey: string }) =>
  (await ctx.h.request('GET', `/api/client/${store.storeId}/inbox`, { key: store.apiKey })).body;

describe('messages typed on the phone', () => {
  it('are stored once as outbound, sent, in the contact conversation: the last message, nothing unread', async () => {
    const store = await ctx.h.createStore('Phone Typing Store');
    await linkSlot(ctx.h, ctx.sim, store, 1, '5511955552001');
    const phone = ctx.sim.phone('5511955552001');
    const contact = phone.contact(undefined, { pushName: 'Marta' });
    await contact.sendText('tem pizza hoje?');
    const first = await eventually(inboxOf.bind(null, store), (b) => b.data?.[0]?.unread === 1);
    const conversationId = first.data[0].conversationId;

    const id = await phone.typeOnPhone(contact, 'tem sim, até as 23h');
    await waitForEvent(ctx.h, 'message.sent', (e) => e.waMessageId === id);

    const rows = await ctx.h.db.prisma.message.findMany({ where: { storeId: store.storeId, waMessageId: id } });
    expect(rows).toEqual([
      expect.objectContaining({ direction: 'outbound', status: 'sent', text: 'tem sim, até as 23h', conversationId, remoteJid: contact.lidJid }),
    ]);
    // One person: the contact the inbound message made, its push name not replaced by the owner's.
    const contacts = await ctx.h.db.prisma.contact.findMany({ where: { storeId: store.storeId } });
    expect(contacts).toEqual([expect.objectContaining({ id: rows[0]!.contactId, pushName: 'Marta', jidPn: contact.pnJid, jidLid: contact.lidJid })]);
    const inbox = await inboxOf(store);
    expect(inbox.data).toEqual([
      expect.objectContaining({ conversationId, unread: 0, lastMessage: expect.objectContaining({ text: 'tem sim, até as 23h', direction: 'outbound' }) }),
    ]);
    const conversation = await ctx.h.request('GET', `/api/client/${store.storeId}/conversations/${conversationId}`, { key: store.apiKey });
    expect(conversation.body.messages.map((m: { direction: string; text: string }) => [m.direction, m.text])).toEqual([
      ['outbound', 'tem sim, até as 23h'],
      ['inbound', 'tem pizza hoje?'],
    ]);

    // The same copy again (WhatsApp redelivers what was not receipted): still one row.
    await phone.typeOnPhone(contact, 'tem sim, até as 23h', { id });
    const later = await phone.typeOnPhone(contact, 'pode pedir');
    await waitForEvent(ctx.h, 'message.sent', (e) => e.waMessageId === later);
    expect(await ctx.h.db.prisma.message.count({ where: { storeId: store.storeId, waMessageId: id } })).toBe(1);
    expect(await ctx.h.db.prisma.message.count({ where: { storeId: store.storeId } })).toBe(3);
  });

  it('to a new number: a contact with both JIDs and a conversation the message opens, with nothing unread', async () => {
    const store = await ctx.h.createStore('Phone First Store');
    await linkSlot(ctx.h, ctx.sim, store, 2, '5511955552002');
    const phone = ctx.sim.phone('5511955552002');
    const contact = phone.contact('5511988882002', { pushName: 'Nilo' });
    const id = await phone.typeOnPhone(contact, 'seu pedido saiu');
    await waitForEvent(ctx.h, 'message.sent', (e) => e.waMessageId === id);

    const inbox = await inboxOf(store);
    expect(inbox.data).toEqual([
      expect.objectContaining({
        slot: 2,
        unread: 0,
        lastMessage: expect.objectContaining({ text: 'seu pedido saiu', direction: 'outbound' }),
        contact: expect.objectContaining({ jidPn: contact.pnJid, jidLid: contact.lidJid, pushName: null }),
      }),
    ]);
  });

  it('a send from the dashboard, which Baileys reports as our own message too, is stored once', async () => {
    const store = await ctx.h.createStore('Own Echo Store');
    // The simulator sends no history notification unless given one, and Baileys holds its own
    // events up to 20 s after a first link waiting for it: a store without history does not wait.
    await ctx.h.db.prisma.storeSettings.upsert({ where: { storeId: store.storeId }, create: { storeId: store.storeId, historyDays: 0 }, update: { historyDays: 0 } });
    await linkSlot(ctx.h, ctx.sim, store, 3, '5511955552003');
    const contact = ctx.sim.phone('5511955552003').contact('5511988882003', { pushName: 'Olga' });
    const accepted = await ctx.h.request('POST', `/api/whatsapp/${store.storeId}/messages`, {
      key: store.apiKey,
      body: { to: '+5511988882003', type: 'text', text: 'sua mesa está pronta' },
    });
    expect(accepted.status).toBe(202);
    const received = await contact.waitForText('sua mesa está pronta');
    // Baileys' own report of the send has gone through storage once this event is seen.
    const echo = await waitForEvent(ctx.h, 'message.sent', (e) => e.waMessageId === received.id);
    expect(echo.storeId).toBe(store.storeId);

    const rows = await ctx.h.db.prisma.message.findMany({ where: { storeId: store.storeId } });
    expect(rows).toEqual([expect.objectContaining({ id: accepted.body.id, waMessageId: received.id, direction: 'outbound' })]);
    expect(rows[0]!.metadata).not.toHaveProperty('origin');
  });

  it('an edit or a delete-for-everyone made on the phone changes the stored message', async () => {
    const store = await ctx.h.createStore('Phone Changes Store');
    await linkSlot(ctx.h, ctx.sim, store, 1, '5511955552009');
    const phone = ctx.sim.phone('5511955552009');
    const contact = phone.contact(undefined, { pushName: 'Lia' });
    await contact.sendText('oi');
    const id = await phone.typeOnPhone(contact, 'a pizza custa R$ 40');
    await waitForEvent(ctx.h, 'message.sent', (e) => e.waMessageId === id);
    const row = () => ctx.h.db.prisma.message.findFirst({ where: { storeId: store.storeId, waMessageId: id } });
    const key = { remoteJid: contact.lidJid, fromMe: true, id };

    await phone.typeOnPhone(contact, { protocolMessage: { key, type: proto.Message.ProtocolMessage.Type.MESSAGE_EDIT, editedMessage: { conversation: 'a pizza custa R$ 45' } } });
    expect((await eventually(row, (m) => m?.text === 'a pizza custa R$ 45'))?.text).toBe('a pizza custa R$ 45');
    await phone.typeOnPhone(contact, { protocolMessage: { key, type: proto.Message.ProtocolMessage.Type.REVOKE } });
    const deleted = await eventually(row, (m) => (m?.metadata as { deleted?: boolean })?.deleted === true);
    expect([deleted?.text, (deleted?.metadata as { deleted?: boolean }).deleted]).toEqual([null, true]);
    // Changes are not messages of their own.
    expect(await ctx.h.db.prisma.message.count({ where: { storeId: store.storeId } })).toBe(2);
  });
});
