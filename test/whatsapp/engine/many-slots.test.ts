// Acceptance: all three slots of one store open at once, and a second store's slots beside them;
// no cross-talk between slots or stores.
import { describe, expect, it } from '@jest/globals';
import type { MessageReceivedEvent } from '../../../src/events/domain-events.js';
import { useDaemonSuite, waitForEvent } from '../../support/daemon-harness.js';
import { linkSlot } from '../../support/link-slot.js';

// Two at a time on boot, so the resume test can see the limit at work.
const ctx = useDaemonSuite({ engine: { resumeConcurrency: 2 } });

describe('several slots and stores at once', () => {
  it('runs three slots of one store and two of another, each with its own number and messages', async () => {
    const a = await ctx.h.createStore('Store A');
    const b = await ctx.h.createStore('Store B');
    const slots = [
      { store: a, slot: 1, phone: '5511900000001' },
      { store: a, slot: 2, phone: '5511900000002' },
      { store: a, slot: 3, phone: '5511900000003' },
      { store: b, slot: 1, phone: '5521900000001' },
      { store: b, slot: 2, phone: '5521900000002' },
    ];
    await Promise.all(slots.map((s) => linkSlot(ctx.h, ctx.sim, s.store, s.slot, s.phone)));

    const listA = await ctx.h.request('GET', `/api/whatsapp/${a.storeId}/sessions`, { key: a.apiKey });
    expect(listA.body.data.map((s: { status: string; phone?: string }) => [s.status, s.phone])).toEqual([
      ['connected', '5511900000001'],
      ['connected', '5511900000002'],
      ['connected', '5511900000003'],
    ]);
    const listB = await ctx.h.request('GET', `/api/whatsapp/${b.storeId}/sessions`, { key: b.apiKey });
    expect(listB.body.data.map((s: { status: string; phone?: string }) => [s.status, s.phone ?? null])).toEqual([
      ['connected', '5521900000001'],
      ['connected', '5521900000002'],
      ['disconnected', null],
    ]);

    // One customer writes to each number; each message surfaces on exactly its own slot.
    const received: MessageReceivedEvent[] = [];
    ctx.h.daemon.bus.on('message.received', 'cross-talk-check', (e) => {
      received.push(e);
    });
    for (const s of slots) {
      await ctx.sim.phone(s.phone).contact(undefined, { pushName: `Customer of ${s.phone}` }).sendText(`hello ${s.phone}`);
    }
    for (const s of slots) {
      const event = await waitForEvent(ctx.h, 'message.received', (e) => e.text === `hello ${s.phone}`);
      expect({ storeId: event.storeId, slot: event.slot }).toEqual({ storeId: s.store.storeId, slot: s.slot });
      expect(event.remoteJid).toMatch(/@lid$/);
      expect(event.remoteJidAlt).toMatch(/@s\.whatsapp\.net$/);
    }
    expect(received).toHaveLength(slots.length);
    for (const s of slots) expect(ctx.sim.phone(s.phone).connectionCount()).toBe(1);

    // A restart resumes all five from their saved sessions, never more than two connecting at once.
    await ctx.h.stop();
    const connecting = new Set<string>();
    let most = 0;
    const boot = await ctx.h.start();
    for (const { event } of ctx.h.events.peekAll()) {
      if (!('status' in event) || !('slot' in event)) continue;
      const key = `${event.storeId}:${event.slot}`;
      if (event.status === 'connecting') connecting.add(key);
      else connecting.delete(key);
      most = Math.max(most, connecting.size);
    }
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(2);
    await boot.engine.drainSlotWrites();
    const resumed = await ctx.h.db.prisma.sessionSlot.findMany({ where: { status: 'connected', storeId: { in: [a.storeId, b.storeId] } } });
    expect(resumed).toHaveLength(slots.length);
    // Five links at once, then a resume of all five: minutes, not seconds, on two loaded cores.
  }, 240_000);
});
