// Acceptance: logout from the phone (401) → logged_out, the slot's auth rows gone, no reconnect;
// replaced (440) → replaced, no loop; a flapping network → reconnects spaced by backoff, never
// more than one attempt per backoff window, connected again when it stops.
import { describe, expect, it } from '@jest/globals';
import type { SessionStatusEvent } from '../../../src/events/domain-events.js';
import { useDaemonSuite, waitForEvent } from '../../support/daemon-harness.js';
import { linkSlot } from '../../support/link-slot.js';

const FLAP_FOR_MS = Number(process.env.FLAP_FOR_MS ?? 15_000);
const ctx = useDaemonSuite();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function statusLog(storeId: string, slot: number): SessionStatusEvent[] {
  const seen: SessionStatusEvent[] = [];
  ctx.h.daemon.bus.on('session.status', 'test-status-log', (e) => {
    if (e.storeId === storeId && e.slot === slot) seen.push(e);
  });
  return seen;
}

describe('disconnect policy end to end', () => {
  it('logged out from the phone: logged_out, auth wiped, no reconnect', async () => {
    const store = await ctx.h.createStore();
    await linkSlot(ctx.h, ctx.sim, store, 1, '5511911110001');
    expect(await ctx.h.db.prisma.authKey.count({ where: { storeId: store.storeId, slot: 1 } })).toBeGreaterThan(0);
    const log = statusLog(store.storeId, 1);

    expect(await ctx.sim.logout('5511911110001')).toBeGreaterThan(0);
    await waitForEvent(ctx.h, 'session.status', (e) => e.storeId === store.storeId && e.status === 'logged_out');
    await ctx.h.daemon.engine.drainSlotWrites();
    expect(await ctx.h.db.prisma.authKey.count({ where: { storeId: store.storeId, slot: 1 } })).toBe(0);
    expect(await ctx.h.db.prisma.authCreds.count({ where: { storeId: store.storeId, slot: 1 } })).toBe(0);

    await sleep(2_000);
    expect(log.map((e) => e.status)).toEqual(['logged_out']);
    expect(ctx.sim.phone('5511911110001').connectionCount()).toBe(0);
    const row = await ctx.h.db.prisma.sessionSlot.findFirstOrThrow({ where: { storeId: store.storeId, slot: 1 } });
    expect(row).toMatchObject({ status: 'logged_out', desired: 'stopped' });
    const view = await ctx.h.request('GET', `/api/whatsapp/${store.storeId}/1/status`, { key: store.apiKey });
    expect(view.body).toMatchObject({ status: 'logged_out', isActive: false, lastError: expect.stringContaining('logged out') });
  });

  it('replaced by another session: replaced, no reconnect loop, creds kept', async () => {
    const store = await ctx.h.createStore();
    await linkSlot(ctx.h, ctx.sim, store, 2, '5511911110002');
    const log = statusLog(store.storeId, 2);
    await ctx.sim.replace('5511911110002');
    await waitForEvent(ctx.h, 'session.status', (e) => e.storeId === store.storeId && e.status === 'replaced');
    await sleep(2_000);
    expect(log.map((e) => e.status)).toEqual(['replaced']);
    expect(ctx.sim.phone('5511911110002').connectionCount()).toBe(0);
    expect(await ctx.h.db.prisma.authCreds.count({ where: { storeId: store.storeId, slot: 2 } })).toBe(1);
  });

  it('a flapping network: reconnects spaced by backoff, then connected again', async () => {
    const store = await ctx.h.createStore();
    await linkSlot(ctx.h, ctx.sim, store, 3, '5511911110003');
    const log = statusLog(store.storeId, 3);
    const flapping = ctx.sim.flap('5511911110003', { everyMs: 1_200 });
    await sleep(FLAP_FOR_MS);
    flapping.stop();
    await settledConnected(store.storeId, 3);

    const drops = log.filter((e) => e.status === 'reconnecting');
    const attempts = log.filter((e) => e.status === 'connecting');
    expect(drops.length).toBeGreaterThanOrEqual(3);
    // Exactly one attempt per backoff window: every attempt follows its own wait, never early.
    expect(attempts.length).toBe(drops.length);
    for (const [i, drop] of drops.entries()) {
      const attempt = log.find((e, j) => e.status === 'connecting' && j > log.indexOf(drop));
      expect(attempt).toBeDefined();
      expect(attempt!.at.getTime() - drop.at.getTime()).toBeGreaterThanOrEqual(drop.retryInMs! - 5);
      expect(drop.retryInMs).toBeLessThanOrEqual(3_000);
      if (i > 0) expect(drop.retryInMs).toBeGreaterThanOrEqual(150);
    }
    expect(log.at(-1)?.status).toBe('connected');
    expect(ctx.sim.phone('5511911110003').connectionCount()).toBe(1);
  }, FLAP_FOR_MS + 40_000);
});

/** Waits until the slot is connected and stays so for a moment (the flapping has really stopped). */
async function settledConnected(storeId: string, slot: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const supervisor = ctx.h.daemon.engine.supervisor({ storeId, slot });
    if (supervisor?.status === 'connected') {
      await sleep(1_500);
      if (supervisor.status === 'connected') return;
    }
    await sleep(200);
  }
  throw new Error(`slot ${slot} did not settle as connected after the flapping stopped`);
}
