// The chat history WhatsApp sends after a new link, end to end: the simulator's phone hands the
// daemon's real Baileys client its chats; the store keeps the recent ones as past messages.
import { describe, expect, it } from '@jest/globals';
import { waitForEvent, useDaemonSuite } from '../support/daemon-harness.js';
import { linkSlot } from '../support/link-slot.js';
import type { FakeContact } from '../wa-sim/index.js';

const ctx = useDaemonSuite();
const DAY_MS = 24 * 60 * 60_000;

/** One chat: texts `<tag> <n>d` sent `n` days ago, the odd days from the store's phone. */
function chat(contact: FakeContact, tag: string, daysAgo: number[]) {
  return {
    contact,
    messages: daysAgo.map((n) => ({ text: `${tag} ${n}d`, fromMe: n % 2 === 1, at: new Date(Date.now() - n * DAY_MS - 60_000) })),
  };
}

describe('chat history on a new link', () => {
  it('stores the last 7 days (default) in both directions as past messages, older ones not, and emits no message.received', async () => {
    const store = await ctx.h.createStore('History Store');
    const phone = ctx.sim.phone('5511955550201');
    const ana = phone.contact(undefined, { pushName: 'Ana' });
    const beto = phone.contact(undefined, { pushName: 'Beto' });
    phone.setHistory([chat(ana, 'ana', [1, 2, 6, 8, 30]), chat(beto, 'beto', [3, 10])]);
    await linkSlot(ctx.h, ctx.sim, store, 1, phone.number);
    await waitForEvent(ctx.h, 'message.history', (e) => e.storeId === store.storeId);

    const rows = await ctx.h.db.prisma.message.findMany({ where: { storeId: store.storeId }, orderBy: { sentAt: 'asc' } });
    expect(rows.map((r) => [r.text, r.direction, r.status])).toEqual([
      ['ana 6d', 'inbound', 'received'],
      ['beto 3d', 'outbound', 'sent'],
      ['ana 2d', 'inbound', 'received'],
      ['ana 1d', 'outbound', 'sent'],
    ]);
    expect(rows.every((r) => (r.metadata as { delivery?: string }).delivery === 'history')).toBe(true);
    const contacts = await ctx.h.db.prisma.contact.findMany({ where: { storeId: store.storeId }, orderBy: { jidPn: 'asc' } });
    expect(contacts.map((c) => [c.jidPn, c.jidLid])).toEqual(
      [ana, beto].map((c) => [c.pnJid, c.lidJid]).sort((a, b) => a[0]!.localeCompare(b[0]!)),
    );
    expect(contacts.find((c) => c.jidPn === ana.pnJid)?.pushName).toBe('Ana');
    // past messages: a thread per contact, nothing unread
    const threads = await ctx.h.db.prisma.conversation.findMany({ where: { storeId: store.storeId } });
    expect(threads.every((t) => t.unreadCount === 0)).toBe(true);
    const texts = new Set(rows.map((r) => r.waMessageId));
    expect(ctx.h.events.peekAll().filter((x) => x.type === 'message.received' && texts.has((x.event as { waMessageId: string }).waMessageId))).toEqual([]);

    // a live message after the history is a new message as always
    await ana.sendText('e agora?');
    const live = await waitForEvent(ctx.h, 'message.received', (e) => e.storeId === store.storeId && e.text === 'e agora?');
    expect(live.delivery).toBe('live');
  });

  it('stores nothing when the store keeps no history (0 days)', async () => {
    const store = await ctx.h.createStore('No History Store');
    await ctx.h.db.prisma.storeSettings.upsert({
      where: { storeId: store.storeId },
      create: { storeId: store.storeId, historyDays: 0 },
      update: { historyDays: 0 },
    });
    const phone = ctx.sim.phone('5511955550202');
    const caio = phone.contact(undefined, { pushName: 'Caio' });
    phone.setHistory([chat(caio, 'caio', [1, 2])]);
    await linkSlot(ctx.h, ctx.sim, store, 1, phone.number);
    // the bootstrap still arrives (Baileys needs its LID mappings); storage drops its messages
    const history = await waitForEvent(ctx.h, 'message.history', (e) => e.storeId === store.storeId);
    expect(history.messages).toHaveLength(2);
    expect(await ctx.h.db.prisma.message.count({ where: { storeId: store.storeId } })).toBe(0);
    expect(await ctx.h.db.prisma.contact.count({ where: { storeId: store.storeId } })).toBe(0);
  });
});
