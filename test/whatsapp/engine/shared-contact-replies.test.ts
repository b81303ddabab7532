// The same customer in a conversation with two numbers of one daemon at once: replies make both
// Signal ratchets step, so a session write lost to another slot's work would surface as a
// decrypt failure.
import { expect, it } from '@jest/globals';
import { useDaemonSuite, waitForEvent } from '../../support/daemon-harness.js';
import { linkSlot } from '../../support/link-slot.js';

const ctx = useDaemonSuite();

it('keeps two conversations with one customer decrypting both ways', async () => {
  const store = await ctx.h.createStore();
  await linkSlot(ctx.h, ctx.sim, store, 1, '5511988881001');
  await linkSlot(ctx.h, ctx.sim, store, 2, '5511988881002');
  const toA = ctx.sim.phone('5511988881001').contact('5511977771111');
  const toB = ctx.sim.phone('5511988881002').contact(toA.lidJid);

  await Promise.all(
    ([[toA, 1], [toB, 2]] as const).map(async ([contact, slot]) => {
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
  const retries = [toA, toB].flatMap((c) => c.clientReceipts.peekAll().filter((r) => r.type === 'retry'));
  expect(retries).toEqual([]);
}, 120_000);
