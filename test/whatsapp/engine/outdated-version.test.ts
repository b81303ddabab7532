// Acceptance: WhatsApp refusing the announced WhatsApp Web version (405 "client outdated") parks
// the slot as `outdated` with a message naming WA_WEB_VERSION, after one attempt and no loop;
// announcing the version WhatsApp demands (WA_WEB_VERSION) links.
import { describe, expect, it } from '@jest/globals';
import type { SessionStatusEvent } from '../../../src/events/domain-events.js';
import { bundledWaVersion } from '../../../src/whatsapp/engine/wa-version.js';
import { createDaemonHarness, useDaemonSuite, waitForEvent, type DaemonHarness } from '../../support/daemon-harness.js';
import { linkSlot } from '../../support/link-slot.js';

// The simulator demands one revision more than the installed Baileys announces by default.
const [major, minor, revision] = bundledWaVersion();
const REQUIRED = [major, minor, revision + 1] as [number, number, number];
const ctx = useDaemonSuite({ sim: { minClientVersion: REQUIRED } });

async function statusView(h: DaemonHarness, store: { storeId: string; apiKey: string }, until: (status: string) => boolean) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const view = await h.request('GET', `/api/whatsapp/${store.storeId}/1/status`, { key: store.apiKey });
    if (until(view.body.status) || Date.now() > deadline) return view.body;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('WhatsApp Web version refused (405 client outdated)', () => {
  it('parks as outdated once, naming the setting; a daemon announcing the demanded version links', async () => {
    const store = await ctx.h.createStore();
    const statuses: SessionStatusEvent[] = [];
    ctx.h.daemon.bus.on('session.status', 'outdated-log', (e) => {
      if (e.storeId === store.storeId) statuses.push(e);
    });
    const started = await ctx.h.request('POST', `/api/whatsapp/${store.storeId}/1/start`, { key: store.apiKey });
    expect(started.status).toBe(200);
    const parked = await waitForEvent(ctx.h, 'session.status', (e) => e.storeId === store.storeId && e.status === 'outdated', 60_000);
    const announced = bundledWaVersion().join('.');
    expect(parked.lastError).toBe(
      `WhatsApp refused this WhatsApp Web version (405 client outdated): set WA_WEB_VERSION to the current version, or enable WA_WEB_VERSION_REFRESH (announced ${announced})`,
    );
    expect(['outdated', 'connecting']).toContain(started.body.status);

    // Parked and released: no supervisor is left here to retry, and the row says why.
    expect(ctx.h.daemon.engine.supervisor({ storeId: store.storeId, slot: 1 })).toBeUndefined();
    const view = await statusView(ctx.h, store, (s) => s === 'outdated');
    expect(view).toMatchObject({ status: 'outdated', isActive: false, lastError: parked.lastError });
    const row = await ctx.h.db.prisma.sessionSlot.findFirstOrThrow({ where: { storeId: store.storeId, slot: 1 } });
    expect(row.desired).toBe('stopped');

    // A second daemon announcing the demanded version (WA_WEB_VERSION, through config → engine →
    // socket) gets its QR and links. Whatever the first daemon did meanwhile is counted too.
    expect(ctx.sim.connectionAttempts()).toBe(1);
    const newer = await createDaemonHarness(ctx.sim, { env: { WA_WEB_VERSION: REQUIRED.join('.') } });
    try {
      const other = await newer.createStore('Newer version');
      await linkSlot(newer, ctx.sim, other, 1, '5511933330001');
      expect(ctx.sim.phone('5511933330001').connectionCount()).toBe(1);
    } finally {
      await newer.close();
    }
    // One refused attempt in all, one `outdated` status: no loop, no backoff retries.
    expect(ctx.sim.outdatedRefusals()).toBe(1);
    expect(statuses.map((e) => e.status)).toEqual(['connecting', 'outdated']);
  }, 120_000);
});
