// Acceptance: a slot that shows connected but hears nothing for longer than the liveness window,
// or whose sends stop being acknowledged, is rebuilt from its saved creds, without a QR.
import { describe, expect, it } from '@jest/globals';
import type { SessionStatusEvent } from '../../../src/events/domain-events.js';
import { useDaemonSuite, waitForEvent } from '../../support/daemon-harness.js';
import { linkSlot } from '../../support/link-slot.js';

// Pings every second keep a healthy socket talking; Baileys itself would only give up after
// 1 s + 5 s of silence, so the engine's own watchdog (4 s, checked every second) acts first.
const ctx = useDaemonSuite({ env: { WA_KEEPALIVE_MS: '1000' }, engine: { livenessWindowMs: 4_000, sendAckTimeoutMs: 60_000 } });

function statusesOf(storeId: string): SessionStatusEvent[] {
  const seen: SessionStatusEvent[] = [];
  ctx.h.daemon.bus.on('session.status', 'liveness-log', (e) => {
    if (e.storeId === storeId) seen.push(e);
  });
  return seen;
}

describe('liveness', () => {
  it('keeps a quiet but healthy socket (pings answered)', async () => {
    const store = await ctx.h.createStore();
    await linkSlot(ctx.h, ctx.sim, store, 1, '5511933330101');
    const seen = statusesOf(store.storeId);
    await new Promise((r) => setTimeout(r, 6_000));
    expect(seen).toEqual([]);
  }, 60_000);

  it('rebuilds a connected socket that stopped hearing from the server, without a QR', async () => {
    const store = await ctx.h.createStore();
    await linkSlot(ctx.h, ctx.sim, store, 1, '5511933330102');
    const seen = statusesOf(store.storeId);
    const qrsBefore = ctx.h.events.peekAll().filter((x) => x.type === 'session.qr').length;
    const since = new Date();
    expect(ctx.sim.silence('5511933330102')).toBe(1);
    const rebuilding = await waitForEvent(ctx.h, 'session.status', (e) => e.storeId === store.storeId && e.status === 'connecting' && e.at >= since, 30_000);
    // The watchdog noticed it (Baileys' own keepalive timeout would have closed with 408 instead).
    expect(rebuilding.lastError).toMatch(/^no frame received for \d+ ms$/);
    await waitForEvent(ctx.h, 'session.status', (e) => e.storeId === store.storeId && e.status === 'connected' && e.at >= since, 30_000);
    expect(seen.map((e) => e.status)).toEqual(['connecting', 'connected']);
    expect(ctx.h.events.peekAll().filter((x) => x.type === 'session.qr').length).toBe(qrsBefore);
  }, 120_000);
});
