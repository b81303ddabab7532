// One customer writing to two numbers of the same daemon at once. libsignal queues session work
// per contact address for the whole process, so both slots' work on that address shares a queue;
// each slot's session updates must still land in its own store (no lost writes, no Bad MAC).
import { expect, it } from '@jest/globals';
import type { MessageReceivedEvent } from '../../../src/events/domain-events.js';
import { pollUntil, type FakeContact } from '../../wa-sim/index.js';
import { useDaemonSuite, waitForEvent } from '../../support/daemon-harness.js';
import { linkSlot } from '../../support/link-slot.js';

const ctx = useDaemonSuite();

/** Slots 1 and 2 of a new store linked to two phones, and one customer (one LID) on both. */
async function twoSlotsOneCustomer(phones: [string, string], customer: string) {
  const store = await ctx.h.createStore();
  await linkSlot(ctx.h, ctx.sim, store, 1, phones[0]);
  await linkSlot(ctx.h, ctx.sim, store, 2, phones[1]);
  const toA = ctx.sim.phone(phones[0]).contact(customer);
  const toB = ctx.sim.phone(phones[1]).contact(toA.lidJid);
  expect(toB.lidJid).toBe(toA.lidJid);
  return { store, pairs: [[toA, 1], [toB, 2]] as Array<[FakeContact, number]> };
}

function retriesOf(pairs: Array<[FakeContact, number]>) {
  return pairs.flatMap(([c]) => c.clientReceipts.peekAll().filter((r) => r.type === 'retry'));
}

it('keeps both slots decrypting when the same contact bursts to both, across a restart', async () => {
  const { pairs } = await twoSlotsOneCustomer(['5511988880001', '5511988880002'], '5511977776666');
  const received: MessageReceivedEvent[] = [];
  ctx.h.daemon.bus.on('message.received', 'shared-contact', (e) => {
    received.push(e);
  });
  await Promise.all(
    pairs.map(async ([c]) => {
      for (let i = 0; i < 25; i++) await c.sendText(`burst ${i}`);
    }),
  );
  for (const [c, slot] of pairs) {
    const id = await c.sendText(`after to slot ${slot}`);
    expect((await c.waitForClientReceipt(id, { timeoutMs: 15_000 })).type).not.toBe('retry');
    await waitForEvent(ctx.h, 'message.received', (e) => e.text === `after to slot ${slot}` && e.slot === slot);
  }
  expect(retriesOf(pairs)).toEqual([]);
  // Baileys may emit a burst message after a later one; every one of them must come, exactly once.
  const bursts = (slot: number) => received.filter((e) => e.slot === slot && e.text?.startsWith('burst'));
  for (const [, slot] of pairs) {
    await pollUntil(() => (bursts(slot).length >= 25 ? true : undefined), `25 burst messages on slot ${slot}`, { timeoutMs: 10_000 }).catch(() => undefined);
    expect(new Set(bursts(slot).map((e) => e.text))).toEqual(new Set(Array.from({ length: 25 }, (_, i) => `burst ${i}`)));
    expect(bursts(slot)).toHaveLength(25);
  }

  // What each slot stored must carry on after a restart (nothing lived only in memory).
  await ctx.h.stop();
  await ctx.h.start();
  await waitForEvent(ctx.h, 'session.status', (e) => e.slot === 2 && e.status === 'connected', 20_000);
  for (const [c, slot] of pairs) {
    const id = await c.sendText(`after restart to slot ${slot}`);
    expect((await c.waitForClientReceipt(id, { timeoutMs: 15_000 })).type).not.toBe('retry');
    await waitForEvent(ctx.h, 'message.received', (e) => e.text === `after restart to slot ${slot}` && e.slot === slot);
  }
}, 90_000);

it('keeps two conversations with one customer decrypting both ways (replies step the ratchets)', async () => {
  const { store, pairs } = await twoSlotsOneCustomer(['5511988881001', '5511988881002'], '5511977771111');
  await Promise.all(
    pairs.map(async ([contact, slot]) => {
      const supervisor = ctx.h.daemon.engine.supervisor({ storeId: store.storeId, slot })!;
      for (let round = 0; round < 8; round++) {
        const id = await contact.sendText(`q${round} to ${slot}`);
        expect((await contact.waitForClientReceipt(id, { timeoutMs: 15_000 })).type).not.toBe('retry');
        await waitForEvent(ctx.h, 'message.received', (e) => e.slot === slot && e.text === `q${round} to ${slot}`);
        await supervisor.sendText(contact.lidJid, `a${round} from ${slot}`);
        await contact.waitForText(`a${round} from ${slot}`, { timeoutMs: 15_000 });
      }
    }),
  );
  expect(retriesOf(pairs)).toEqual([]);
}, 120_000);
