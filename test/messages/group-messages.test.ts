// Group messages at the daemon: stored once, under the member who wrote, marked as a group's —
// never a conversation of the inbox, never unread (the bot and the dashboard's inbox are 1:1).
import { describe, expect, it } from '@jest/globals';
import { useDaemonSuite, waitForEvent } from '../support/daemon-harness.js';
import { linkSlot } from '../support/link-slot.js';

const ctx = useDaemonSuite();

describe('group messages', () => {
  it('are stored once, marked as the group and the member, outside the inbox and the unread count', async () => {
    const store = await ctx.h.createStore('Group Store');
    await linkSlot(ctx.h, ctx.sim, store, 1, '5511955553001');
    const phone = ctx.sim.phone('5511955553001');
    const ana = phone.contact(undefined, { pushName: 'Ana' });
    const beto = phone.contact(undefined, { pushName: 'Beto' });
    const group = ctx.sim.createGroup('5511955553001', { subject: 'Fornecedores', participants: [ana, beto] });

    const id = await group.sendText(ana, 'chega amanhã a farinha');
    await waitForEvent(ctx.h, 'message.received', (e) => e.waMessageId === id);
    // Redelivered (same id), then another member: still one row for the first.
    await group.sendText(ana, 'chega amanhã a farinha', { id });
    const other = await group.sendText(beto, 'e o queijo?');
    await waitForEvent(ctx.h, 'message.received', (e) => e.waMessageId === other);

    const rows = await ctx.h.db.prisma.message.findMany({ where: { storeId: store.storeId }, orderBy: { createdAt: 'asc' }, include: { contact: true } });
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      waMessageId: id,
      remoteJid: group.jid,
      direction: 'inbound',
      conversationId: null,
      text: 'chega amanhã a farinha',
      metadata: expect.objectContaining({ isGroup: true, participant: ana.lidJid }),
      // the stanza named the member by LID and by number: the contact holds both
      contact: expect.objectContaining({ jidLid: ana.lidJid, jidPn: ana.pnJid, pushName: 'Ana' }),
    });
    expect(rows[1]).toMatchObject({ metadata: expect.objectContaining({ isGroup: true, participant: beto.lidJid }), contact: expect.objectContaining({ jidLid: beto.lidJid }) });
    expect(await ctx.h.db.prisma.conversation.count({ where: { storeId: store.storeId } })).toBe(0);
    expect((await ctx.h.request('GET', `/api/client/${store.storeId}/inbox`, { key: store.apiKey })).body.data).toEqual([]);

    // The member writing 1:1 is the same contact, in a conversation of its own, one unread.
    const direct = await ana.sendText('oi, é a Ana do grupo');
    await waitForEvent(ctx.h, 'message.received', (e) => e.waMessageId === direct);
    const inbox = (await ctx.h.request('GET', `/api/client/${store.storeId}/inbox`, { key: store.apiKey })).body;
    expect(inbox.data).toEqual([
      expect.objectContaining({ unread: 1, lastMessage: expect.objectContaining({ text: 'oi, é a Ana do grupo' }), contact: expect.objectContaining({ jidLid: ana.lidJid, jidPn: ana.pnJid }) }),
    ]);
    expect(await ctx.h.db.prisma.contact.count({ where: { storeId: store.storeId } })).toBe(2);
  });
});
