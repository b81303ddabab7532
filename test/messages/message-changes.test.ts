// A contact's edits, reactions and deletes for everyone, sent the way WhatsApp sends them (the
// simulator's contact.edit / react / revoke), change the message they target — never a new row.
import { describe, expect, it } from '@jest/globals';
import { useDaemonSuite } from '../support/daemon-harness.js';
import { eventually } from '../support/eventually.js';
import { linkSlot } from '../support/link-slot.js';

const ctx = useDaemonSuite();

const row = (storeId: string, waMessageId: string) => ctx.h.db.prisma.message.findFirst({ where: { storeId, waMessageId } });
const metaOf = (m: { metadata: unknown } | null) => (m?.metadata ?? {}) as Record<string, any>;

describe('changes to earlier messages', () => {
  it("the contact edits, reacts to and deletes its own message: one row, changed each time", async () => {
    const store = await ctx.h.createStore('Changes Store');
    await linkSlot(ctx.h, ctx.sim, store, 1, '5511955558001');
    const contact = ctx.sim.phone('5511955558001').contact('5511988888001', { pushName: 'Rita' });
    const id = await contact.sendText('quero 2 pizzas');
    await eventually(() => row(store.storeId, id), (m) => m !== null);

    await contact.edit(id, 'quero 3 pizzas');
    expect(await eventually(() => row(store.storeId, id), (m) => m?.text === 'quero 3 pizzas')).toEqual(expect.objectContaining({ text: 'quero 3 pizzas', metadata: expect.objectContaining({ edited: true }) }));

    await contact.react(id, '🍕', { ownMessage: true });
    const reacted = await eventually(() => row(store.storeId, id), (m) => Object.keys(metaOf(m).reactions ?? {}).length === 1);
    expect(Object.values(metaOf(reacted).reactions)).toEqual(['🍕']);

    await contact.revoke(id);
    const deleted = await eventually(() => row(store.storeId, id), (m) => metaOf(m).deleted === true);
    expect([deleted?.text, metaOf(deleted).deleted]).toEqual([null, true]);
    expect(await ctx.h.db.prisma.message.count({ where: { storeId: store.storeId } })).toBe(1);
  });

  it('a reaction to a message the store sent attaches to that message', async () => {
    const store = await ctx.h.createStore('Reaction Store');
    await linkSlot(ctx.h, ctx.sim, store, 1, '5511955558002');
    const contact = ctx.sim.phone('5511955558002').contact('5511988888002');
    const sent = await ctx.h.request('POST', `/api/whatsapp/${store.storeId}/messages`, { key: store.apiKey, body: { to: contact.pnJid, type: 'text', text: 'seu pedido saiu' } });
    const received = await contact.waitForText('seu pedido saiu');
    await eventually(async () => (await ctx.h.db.prisma.message.findUnique({ where: { id: sent.body.id } }))?.status, (s) => s === 'sent');

    await contact.react(received.id, '👍');
    const reacted = await eventually(() => ctx.h.db.prisma.message.findUnique({ where: { id: sent.body.id } }), (m) => Object.keys(metaOf(m).reactions ?? {}).length === 1);
    expect(Object.values(metaOf(reacted).reactions)).toEqual(['👍']);
    await contact.react(received.id, '');
    const removed = await eventually(() => ctx.h.db.prisma.message.findUnique({ where: { id: sent.body.id } }), (m) => Object.keys(metaOf(m).reactions ?? {}).length === 0);
    expect(metaOf(removed).reactions).toEqual({});
    expect(await ctx.h.db.prisma.message.count({ where: { storeId: store.storeId } })).toBe(1);
  });
});
