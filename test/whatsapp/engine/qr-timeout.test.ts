// Acceptance: an unscanned QR ends as qr_timeout, with no loop.
import { describe, expect, it } from '@jest/globals';
import type { SessionStatusEvent } from '../../../src/events/domain-events.js';
import { useDaemonSuite, waitForEvent } from '../../support/daemon-harness.js';

// Two QR refs of one second each: the QR runs out in about two seconds.
const ctx = useDaemonSuite({ sim: { qrRefCount: 2 }, env: { WA_QR_TIMEOUT_MS: '1000' } });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('QR lifecycle', () => {
  it('stops as qr_timeout when nobody scans, and does not loop', async () => {
    const store = await ctx.h.createStore();
    const statuses: SessionStatusEvent[] = [];
    ctx.h.daemon.bus.on('session.status', 'qr-timeout-log', (e) => {
      if (e.storeId === store.storeId) statuses.push(e);
    });
    const started = await ctx.h.request('POST', `/api/whatsapp/${store.storeId}/1/start`, { key: store.apiKey });
    expect(started.body.status).toBe('qrcode');
    await waitForEvent(ctx.h, 'session.status', (e) => e.storeId === store.storeId && e.status === 'qr_timeout', 15_000);
    await sleep(2_000);
    expect(statuses.map((e) => e.status).filter((s) => s !== 'qrcode')).toEqual(['connecting', 'qr_timeout']);
    await ctx.h.daemon.engine.drainSlotWrites();
    const view = await ctx.h.request('GET', `/api/whatsapp/${store.storeId}/1/status`, { key: store.apiKey });
    expect(view.body).toMatchObject({ status: 'qr_timeout', isActive: false });
    expect(view.body.qrCode).toBeUndefined();
    expect((await ctx.h.request('GET', `/api/whatsapp/${store.storeId}/1/qr`, { key: store.apiKey })).status).toBe(404);
  });
});
