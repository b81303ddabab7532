// Acceptance: a slot that shows connected but hears nothing for longer than the liveness window,
// or whose sends stop being acknowledged, is rebuilt from its saved creds, without a QR.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { SessionStatusEvent } from '../../../src/events/domain-events.js';
import { useSimulatorSuite } from '../../wa-sim/simulator-suite.js';
import { createDaemonHarness, waitForEvent, type DaemonHarness } from '../../support/daemon-harness.js';
import { linkSlot } from '../../support/link-slot.js';

const suite = useSimulatorSuite();
let h: DaemonHarness;
beforeAll(async () => {
  // Pings every second keep a healthy socket talking; Baileys itself would only give up after
  // 1 s + 5 s of silence, so the engine's own watchdog (2.5 s) must act first.
  h = await createDaemonHarness(suite.sim, { env: { WA_KEEPALIVE_MS: '1000' }, engine: { livenessWindowMs: 2_500, sendAckTimeoutMs: 60_000 } });
});
afterAll(async () => {
  await h?.close();
});

function statusesOf(storeId: string): SessionStatusEvent[] {
  const seen: SessionStatusEvent[] = [];
  h.daemon.bus.on('session.status', 'liveness-log', (e) => {
    if (e.storeId === storeId) seen.push(e);
  });
  return seen;
}

describe('liveness', () => {
  it('keeps a quiet but healthy socket (pings answered)', async () => {
    const store = await h.createStore();
    await linkSlot(h, suite.sim, store, 1, '5511933330101');
    const seen = statusesOf(store.storeId);
    await new Promise((r) => setTimeout(r, 4_000));
    expect(seen).toEqual([]);
  });

  it('rebuilds a connected socket that stopped hearing from the server, without a QR', async () => {
    const store = await h.createStore();
    await linkSlot(h, suite.sim, store, 1, '5511933330102');
    const seen = statusesOf(store.storeId);
    const qrsBefore = h.events.peekAll().filter((x) => x.type === 'session.qr').length;
    expect(suite.sim.silence('5511933330102')).toBe(1);
    const silencedAt = Date.now();
    await waitForEvent(h, 'session.status', (e) => e.storeId === store.storeId && e.status === 'connecting', 10_000);
    await waitForEvent(h, 'session.status', (e) => e.storeId === store.storeId && e.status === 'connected', 10_000);
    // The watchdog, not Baileys' own 6 s keepalive timeout, noticed it.
    expect(Date.now() - silencedAt).toBeLessThan(5_500);
    expect(seen.map((e) => e.status)).toEqual(['connecting', 'connected']);
    expect(h.events.peekAll().filter((x) => x.type === 'session.qr').length).toBe(qrsBefore);
  });
});
