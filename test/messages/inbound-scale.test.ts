// 1,000 inbound messages from 50 contacts across 3 slots of two stores, all at once: every one
// stored once, each conversation in the order its contact wrote, nothing in the wrong store.
import { describe, expect, it } from '@jest/globals';
import { useDaemonSuite } from '../support/daemon-harness.js';
import { eventually } from '../support/eventually.js';
import { duplicateKeys, inboundCount, inboundRows, startBurst } from '../support/inbound-burst.js';
import { linkSlot } from '../support/link-slot.js';
import type { FakeContact } from '../wa-sim/index.js';

const ctx = useDaemonSuite();

const CONTACTS = 50;
const PER_CONTACT = 20;
const TOTAL = CONTACTS * PER_CONTACT;

describe('inbound at scale', () => {
  it(`${TOTAL} messages from ${CONTACTS} contacts on 3 slots of 2 stores: all stored once, in order per conversation, each in its own store`, async () => {
    const a = await ctx.h.createStore('Scale A');
    const b = await ctx.h.createStore('Scale B');
    const slots = [
      { store: a, slot: 1, number: '5511955558001' },
      { store: a, slot: 2, number: '5511955558002' },
      { store: b, slot: 1, number: '5511955558003' },
    ];
    for (const s of slots) await linkSlot(ctx.h, ctx.sim, s.store, s.slot, s.number);

    // Contact i writes to slot i % 3; the burst names it by its index: `msg <i> <n>`.
    const contacts: FakeContact[] = [];
    const slotOf = new Map<number, (typeof slots)[number]>();
    for (let i = 0; i < CONTACTS; i++) {
      const s = slots[i % slots.length]!;
      contacts.push(ctx.sim.phone(s.number).contact(undefined, { pushName: `Scale ${i}` }));
      slotOf.set(i, s);
    }
    const storeIds = [a.storeId, b.storeId];
    const startedAt = Date.now();
    const burst = startBurst(contacts, PER_CONTACT);
    await burst.done;
    const count = await eventually(() => inboundCount(ctx.h.db.pool, storeIds), (n) => n >= TOTAL, 300_000);
    const seconds = (Date.now() - startedAt) / 1000;
    process.stdout.write(`inbound at scale: ${count} rows in ${seconds.toFixed(1)} s (${(count / seconds).toFixed(0)} msg/s, in-process, under jest)\n`);

    const rows = await inboundRows(ctx.h.db.pool, storeIds);
    expect(rows.length).toBe(TOTAL);
    expect(duplicateKeys(rows)).toEqual([]);
    expect(new Set(rows.map((r) => r.text)).size).toBe(TOTAL);

    // Each row in the store and slot its contact wrote to, under the contact's sent id.
    const sentBy = new Map(burst.sent.map((m) => [m.text, m.id]));
    const misplaced = rows.filter((r) => {
      const s = slotOf.get(Number(r.text!.split(' ')[1]))!;
      return r.storeId !== s.store.storeId || r.slot !== s.slot || sentBy.get(r.text!) !== r.waMessageId;
    });
    expect(misplaced).toEqual([]);

    // One conversation per contact, its messages stored in the order they were sent.
    const byConversation = new Map<string, number[]>();
    const contactOf = new Map<string, Set<string>>();
    for (const r of rows) {
      const [, contact, n] = r.text!.split(' ');
      byConversation.set(r.conversationId!, [...(byConversation.get(r.conversationId!) ?? []), Number(n)]);
      contactOf.set(r.conversationId!, (contactOf.get(r.conversationId!) ?? new Set()).add(contact!));
    }
    expect(byConversation.size).toBe(CONTACTS);
    expect([...contactOf.values()].filter((c) => c.size !== 1)).toEqual([]);
    const inOrder = Array.from({ length: PER_CONTACT }, (_, i) => i + 1);
    const outOfOrder = [...byConversation].filter(([, ns]) => ns.join() !== inOrder.join()).map(([id, ns]) => ({ id, contact: [...contactOf.get(id)!][0], ns }));
    // Where an order broke: Baileys' emit order (the bus delivers and stores in it, per slot).
    const emitted = new Map<string, number[]>();
    for (const { type, event } of ctx.h.events.peekAll()) {
      if (type !== 'message.received') continue;
      const text = (event as { text: string | null }).text ?? '';
      const [, contact, n] = text.split(' ');
      if (text.startsWith('msg ')) emitted.set(contact!, [...(emitted.get(contact!) ?? []), Number(n)]);
    }
    const emittedOutOfOrder = [...emitted].filter(([, ns]) => ns.join() !== inOrder.join());
    process.stdout.write(`out of order: ${outOfOrder.length} conversations stored, ${emittedOutOfOrder.length} contacts emitted by Baileys; e.g. ${JSON.stringify(emittedOutOfOrder.slice(0, 3))}\n`);
    expect(outOfOrder).toEqual([]);
  }, 600_000);
});
