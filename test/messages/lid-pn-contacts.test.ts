// Contacts WhatsApp shows by one address only: a LID-only sender (no sender_pn) and a PN-only one
// (no sender_lid). Each is one contact with the JIDs WhatsApp gave, and the same person later seen
// by the other address (or known to Baileys by its LID↔PN mapping) stays that one contact.
import { describe, expect, it } from '@jest/globals';
import { useDaemonSuite, waitForEvent } from '../support/daemon-harness.js';
import { eventually } from '../support/eventually.js';
import { linkSlot } from '../support/link-slot.js';

const ctx = useDaemonSuite();

const contactsOf = (storeId: string) => ctx.h.db.prisma.contact.findMany({ where: { storeId } });
const inboxOf = async (store: { storeId: string; apiKey: string }) =>
  (await ctx.h.request('GET', `/api/client/${store.storeId}/inbox`, { key: store.apiKey })).body.data;

describe('LID-only and PN-only contacts', () => {
  it('a LID-only sender is a contact by LID alone, in the inbox; writing later by number fills its PN in, one contact', async () => {
    const store = await ctx.h.createStore('LID Only Store');
    await linkSlot(ctx.h, ctx.sim, store, 1, '5511955554001');
    const person = ctx.sim.phone('5511955554001').contact(undefined, { pushName: 'Lara' }).lidOnly();
    const first = await person.sendText('sem número');
    const received = await waitForEvent(ctx.h, 'message.received', (e) => e.waMessageId === first);
    expect(received).toMatchObject({ remoteJid: person.lidJid, remoteJidAlt: null });

    expect(await contactsOf(store.storeId)).toEqual([expect.objectContaining({ jidLid: person.lidJid, jidPn: null, phone: null, pushName: 'Lara' })]);
    expect(await inboxOf(store)).toEqual([expect.objectContaining({ unread: 1, lastMessage: expect.objectContaining({ text: 'sem número' }) })]);

    person.identity = 'both';
    const second = await person.sendText('agora com número', { addressing: 'pn' });
    await waitForEvent(ctx.h, 'message.received', (e) => e.waMessageId === second);
    expect(await contactsOf(store.storeId)).toEqual([expect.objectContaining({ jidLid: person.lidJid, jidPn: person.pnJid, phone: `+${person.pn}` })]);
    expect(await inboxOf(store)).toEqual([expect.objectContaining({ unread: 2, lastMessage: expect.objectContaining({ text: 'agora com número' }) })]);
  });

  it('a PN-only sender is a contact by number alone, in the inbox; writing later by LID fills its LID in, one contact', async () => {
    const store = await ctx.h.createStore('PN Only Store');
    await linkSlot(ctx.h, ctx.sim, store, 2, '5511955554002');
    const person = ctx.sim.phone('5511955554002').contact(undefined, { pushName: 'Paulo' }).pnOnly();
    const first = await person.sendText('só número');
    const received = await waitForEvent(ctx.h, 'message.received', (e) => e.waMessageId === first);
    expect(received).toMatchObject({ remoteJid: person.pnJid, remoteJidAlt: null });

    expect(await contactsOf(store.storeId)).toEqual([expect.objectContaining({ jidPn: person.pnJid, jidLid: null, phone: `+${person.pn}`, pushName: 'Paulo' })]);
    expect(await inboxOf(store)).toEqual([expect.objectContaining({ unread: 1, lastMessage: expect.objectContaining({ text: 'só número' }) })]);

    person.identity = 'both';
    const second = await person.sendText('agora pelo lid', { addressing: 'lid' });
    await waitForEvent(ctx.h, 'message.received', (e) => e.waMessageId === second);
    expect(await contactsOf(store.storeId)).toEqual([expect.objectContaining({ jidPn: person.pnJid, jidLid: person.lidJid })]);
    expect(await inboxOf(store)).toHaveLength(1);
  });

  it('a LID-only answer to a send by number is the contact the send made: its PN comes from Baileys’ LID↔PN mapping', async () => {
    const store = await ctx.h.createStore('Mapped LID Store');
    await linkSlot(ctx.h, ctx.sim, store, 3, '5511955554003');
    const person = ctx.sim.phone('5511955554003').contact('5511988884003', { pushName: 'Rui' }).lidOnly();
    const accepted = await ctx.h.request('POST', `/api/whatsapp/${store.storeId}/messages`, {
      key: store.apiKey,
      body: { to: '+5511988884003', type: 'text', text: 'seu pedido chegou?' },
    });
    expect(accepted.status).toBe(202);
    await person.waitForText('seu pedido chegou?');
    // Baileys writes the stanza inside its key transaction: a reply before the send returned would
    // find no session yet (a person answers slower than the simulator). 'sent' is after that commit.
    await eventually(async () => (await ctx.h.request('GET', `/api/whatsapp/${store.storeId}/messages/${accepted.body.id}`, { key: store.apiKey })).body.status, (s) => s === 'sent');

    // The send looked the number up (usync): Baileys now maps the person's LID to it.
    const answer = await person.sendText('chegou sim');
    await waitForEvent(ctx.h, 'message.received', (e) => e.waMessageId === answer);
    expect(await contactsOf(store.storeId)).toEqual([expect.objectContaining({ jidPn: person.pnJid, jidLid: person.lidJid })]);
    // One conversation holds both (which is "last" within one second is WhatsApp's seconds against our milliseconds).
    const inbox = await inboxOf(store);
    expect(inbox).toEqual([expect.objectContaining({ unread: 1 })]);
    const conversation = await ctx.h.request('GET', `/api/client/${store.storeId}/conversations/${inbox[0].conversationId}`, { key: store.apiKey });
    expect(conversation.body.messages.map((m: { text: string }) => m.text).sort()).toEqual(['chegou sim', 'seu pedido chegou?']);
  });
});
