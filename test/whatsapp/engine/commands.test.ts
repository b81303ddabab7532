// Acceptance: pairing code as an alternative to the QR; stop / restart / logout routes.
import { describe, expect, it } from '@jest/globals';
import { useDaemonSuite, waitForEvent } from '../../support/daemon-harness.js';
import { linkSlot } from '../../support/link-slot.js';
import { pollUntil } from '../../wa-sim/index.js';

const ctx = useDaemonSuite();

/** The simulator hears a close a moment after the daemon made it: wait for that, however long it takes. */
const closedAtSimulator = (phone: { connectionCount(): number }) =>
  pollUntil(() => (phone.connectionCount() === 0 ? true : undefined), 'the simulator to see the socket closed', { timeoutMs: 20_000 });

describe('pairing code', () => {
  it('links with a pairing code instead of a QR', async () => {
    const store = await ctx.h.createStore();
    const res = await ctx.h.request('POST', `/api/whatsapp/${store.storeId}/2/pairing-code`, { key: store.apiKey, body: { phone: '+55 11 93333-0002' } });
    expect(res.status).toBe(200);
    expect(res.body.code).toMatch(/^[1-9A-HJ-NP-TV-Z]{8}$/);
    await ctx.sim.enterPairingCode('5511933330002', res.body.code);
    await waitForEvent(ctx.h, 'session.status', (e) => e.storeId === store.storeId && e.slot === 2 && e.status === 'connected', 20_000);
  });

  it('rejects a malformed pairing-code body with 400', async () => {
    const store = await ctx.h.createStore();
    const res = await ctx.h.request('POST', `/api/whatsapp/${store.storeId}/2/pairing-code`, { key: store.apiKey, body: { phone: 'call me' } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(await ctx.h.db.prisma.sessionSlot.count({ where: { storeId: store.storeId } })).toBe(0);
  });
});

describe('slot commands', () => {
  it('stop keeps the link, start resumes without a QR, restart rebuilds, logout unlinks and wipes', async () => {
    const store = await ctx.h.createStore();
    await linkSlot(ctx.h, ctx.sim, store, 3, '5511944440003');
    const phone = ctx.sim.phone('5511944440003');

    const stopped = await ctx.h.request('POST', `/api/whatsapp/${store.storeId}/3/stop`, { key: store.apiKey });
    expect(stopped.body).toEqual({ success: true, status: 'stopped' });
    expect(await ctx.h.db.prisma.sessionSlot.findFirstOrThrow({ where: { storeId: store.storeId, slot: 3 } })).toMatchObject({ status: 'stopped', desired: 'stopped' });
    await closedAtSimulator(phone);
    expect(await ctx.h.db.prisma.authCreds.count({ where: { storeId: store.storeId, slot: 3 } })).toBe(1);

    const qrsBefore = ctx.h.events.peekAll().filter((x) => x.type === 'session.qr').length;
    const resumed = await ctx.h.request('POST', `/api/whatsapp/${store.storeId}/3/start`, { key: store.apiKey });
    expect(resumed.body).toMatchObject({ success: true, status: 'connected' });
    expect(ctx.h.events.peekAll().filter((x) => x.type === 'session.qr').length).toBe(qrsBefore);

    const again = await ctx.h.request('POST', `/api/whatsapp/${store.storeId}/3/start`, { key: store.apiKey });
    expect(again.body).toMatchObject({ success: true, status: 'connected', message: 'already connected' });

    const restarted = await ctx.h.request('POST', `/api/whatsapp/${store.storeId}/3/restart`, { key: store.apiKey });
    expect(restarted.body).toEqual({ success: true, status: 'connected' });
    expect(phone.connectionCount()).toBe(1);

    const loggedOut = await ctx.h.request('POST', `/api/whatsapp/${store.storeId}/3/logout`, { key: store.apiKey });
    expect(loggedOut.body).toEqual({ success: true, status: 'logged_out' });
    expect(await ctx.h.db.prisma.authCreds.count({ where: { storeId: store.storeId, slot: 3 } })).toBe(0);
    expect(await ctx.h.db.prisma.authKey.count({ where: { storeId: store.storeId, slot: 3 } })).toBe(0);
    await closedAtSimulator(phone);
  });

  it('stop and logout of a slot nobody runs answer without a socket', async () => {
    const store = await ctx.h.createStore();
    expect((await ctx.h.request('POST', `/api/whatsapp/${store.storeId}/1/stop`, { key: store.apiKey })).body).toEqual({ success: true, status: 'stopped' });
    expect((await ctx.h.request('POST', `/api/whatsapp/${store.storeId}/1/logout`, { key: store.apiKey })).body).toEqual({ success: true, status: 'logged_out' });
  });
});
