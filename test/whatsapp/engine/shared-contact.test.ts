// One customer writing to two numbers of the same daemon at once. libsignal queues decrypts per
// contact address for the whole process, so the two slots' work on that address shares a queue;
// each slot's session updates must still land in its own store (no lost writes, no Bad MAC).
import { expect, it } from '@jest/globals';
import type { MessageReceivedEvent } from '../../../src/events/domain-events.js';
import { useDaemonSuite, waitForEvent } from '../../support/daemon-harness.js';
import { linkSlot } from '../../support/link-slot.js';

const ctx = useDaemonSuite();

it('keeps both slots decrypting when the same contact bursts to both', async () => {
  const store = await ctx.h.createStore();
  await linkSlot(ctx.h, ctx.sim, store, 1, '5511988880001');
  await linkSlot(ctx.h, ctx.sim, store, 2, '5511988880002');
  const toA = ctx.sim.phone('5511988880001').contact('5511977776666');
  const toB = ctx.sim.phone('5511988880002').contact(toA.lidJid);
  expect(toB.lidJid).toBe(toA.lidJid);

  const received: MessageReceivedEvent[] = [];
  ctx.h.daemon.bus.on('message.received', 'shared-contact', (e) => {
    received.push(e);
  });
  await Promise.all(
    [toA, toB].map(async (c) => {
      for (let i = 0; i < 25; i++) await c.sendText(`burst ${i}`);
    }),
  );
  for (const [c, slot] of [[toA, 1], [toB, 2]] as const) {
    const id = await c.sendText(`after to slot ${slot}`);
    expect((await c.waitForClientReceipt(id, { timeoutMs: 15_000 })).type).not.toBe('retry');
    await waitForEvent(ctx.h, 'message.received', (e) => e.text === `after to slot ${slot}` && e.slot === slot);
  }
  const retries = [toA, toB].flatMap((c) => c.clientReceipts.peekAll().filter((r) => r.type === 'retry'));
  expect(retries).toEqual([]);
  expect(received.filter((e) => e.slot === 1 && e.text?.startsWith('burst'))).toHaveLength(25);
  expect(received.filter((e) => e.slot === 2 && e.text?.startsWith('burst'))).toHaveLength(25);

  // What each slot stored must carry on after a restart (nothing lived only in memory).
  await ctx.h.stop();
  await ctx.h.start();
  await waitForEvent(ctx.h, 'session.status', (e) => e.slot === 2 && e.status === 'connected', 20_000);
  for (const [c, slot] of [[toA, 1], [toB, 2]] as const) {
    const id = await c.sendText(`after restart to slot ${slot}`);
    expect((await c.waitForClientReceipt(id, { timeoutMs: 15_000 })).type).not.toBe('retry');
    await waitForEvent(ctx.h, 'message.received', (e) => e.text === `after restart to slot ${slot}` && e.slot === slot);
  }
}, 90_000);
