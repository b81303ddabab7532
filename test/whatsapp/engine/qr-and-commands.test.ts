// Acceptance: an unscanned QR ends as qr_timeout with no loop; pairing code as an alternative to
// the QR; stop / restart / logout routes.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { SessionStatusEvent } from '../../../src/events/domain-events.js';
import { useSimulatorSuite } from '../../wa-sim/simulator-suite.js';
import { createDaemonHarness, waitForEvent, type DaemonHarness } from '../../support/daemon-harness.js';
import { linkSlot } from '../../support/link-slot.js';

// Two QR refs of one second each: the QR runs out in about two seconds.
const suite = useSimulatorSuite({ qrRefCount: 2 });
let h: DaemonHarness;
beforeAll(async () => {
  h = await createDaemonHarness(suite.sim, { env: { WA_QR_TIMEOUT_MS: '1000' } });
});
afterAll(async () => {
  await h?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('QR lifecycle', () => {
  it('stops as qr_timeout when nobody scans, and does not loop', async () => {
    const store = await h.createStore();
    const statuses: SessionStatusEvent[] = [];
    h.daemon.bus.on('session.status', 'qr-timeout-log', (e) => {
      if (e.storeId === store.storeId) statuses.push(e);
    });
    const started = await h.request('POST', `/api/whatsapp/${store.storeId}/1/start`, { key: store.apiKey });
    expect(started.body.status).toBe('qrcode');
    await waitForEvent(h, 'session.status', (e) => e.storeId === store.storeId && e.status === 'qr_timeout', 15_000);
    await sleep(2_000);
    expect(statuses.map((e) => e.status).filter((s) => s !== 'qrcode')).toEqual(['connecting', 'qr_timeout']);
    await h.daemon.engine.drainSlotWrites();
    const view = await h.request('GET', `/api/whatsapp/${store.storeId}/1/status`, { key: store.apiKey });
    expect(view.body).toMatchObject({ status: 'qr_timeout', isActive: false });
    expect(view.body.qrCode).toBeUndefined();
    expect((await h.request('GET', `/api/whatsapp/${store.storeId}/1/qr`, { key: store.apiKey })).status).toBe(404);
  });

  it('links with a pairing code instead of a QR', async () => {
    const store = await h.createStore();
    const res = await h.request('POST', `/api/whatsapp/${store.storeId}/2/pairing-code`, { key: store.apiKey, body: { phone: '+55 11 93333-0002' } });
    expect(res.status).toBe(200);
    expect(res.body.code).toMatch(/^[1-9A-HJ-NP-TV-Z]{8}$/);
    await suite.sim.enterPairingCode('5511933330002', res.body.code);
    await waitForEvent(h, 'session.status', (e) => e.storeId === store.storeId && e.slot === 2 && e.status === 'connected', 20_000);
  });

  it('rejects a malformed pairing-code body with 400', async () => {
    const store = await h.createStore();
    const res = await h.request('POST', `/api/whatsapp/${store.storeId}/2/pairing-code`, { key: store.apiKey, body: { phone: 'call me' } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(await h.db.prisma.sessionSlot.count({ where: { storeId: store.storeId } })).toBe(0);
  });
});

describe('slot commands', () => {
  it('stop keeps the link, start resumes without a QR, restart rebuilds, logout unlinks and wipes', async () => {
    const store = await h.createStore();
    await linkSlot(h, suite.sim, store, 3, '5511944440003');
    const phone = suite.sim.phone('5511944440003');

    const stopped = await h.request('POST', `/api/whatsapp/${store.storeId}/3/stop`, { key: store.apiKey });
    expect(stopped.body).toEqual({ success: true, status: 'stopped' });
    expect(await h.db.prisma.sessionSlot.findFirstOrThrow({ where: { storeId: store.storeId, slot: 3 } })).toMatchObject({ status: 'stopped', desired: 'stopped' });
    await sleep(300);
    expect(phone.connectionCount()).toBe(0);
    expect(await h.db.prisma.authCreds.count({ where: { storeId: store.storeId, slot: 3 } })).toBe(1);

    const qrsBefore = h.events.peekAll().filter((x) => x.type === 'session.qr').length;
    const resumed = await h.request('POST', `/api/whatsapp/${store.storeId}/3/start`, { key: store.apiKey });
    expect(resumed.body).toMatchObject({ success: true, status: 'connected' });
    expect(h.events.peekAll().filter((x) => x.type === 'session.qr').length).toBe(qrsBefore);

    const again = await h.request('POST', `/api/whatsapp/${store.storeId}/3/start`, { key: store.apiKey });
    expect(again.body).toMatchObject({ success: true, status: 'connected', message: 'already connected' });

    const restarted = await h.request('POST', `/api/whatsapp/${store.storeId}/3/restart`, { key: store.apiKey });
    expect(restarted.body).toEqual({ success: true, status: 'connected' });
    expect(phone.connectionCount()).toBe(1);

    const loggedOut = await h.request('POST', `/api/whatsapp/${store.storeId}/3/logout`, { key: store.apiKey });
    expect(loggedOut.body).toEqual({ success: true, status: 'logged_out' });
    expect(await h.db.prisma.authCreds.count({ where: { storeId: store.storeId, slot: 3 } })).toBe(0);
    expect(await h.db.prisma.authKey.count({ where: { storeId: store.storeId, slot: 3 } })).toBe(0);
    await sleep(500);
    expect(phone.connectionCount()).toBe(0);
  });

  it('stop and logout of a slot nobody runs answer without a socket', async () => {
    const store = await h.createStore();
    expect((await h.request('POST', `/api/whatsapp/${store.storeId}/1/stop`, { key: store.apiKey })).body).toEqual({ success: true, status: 'stopped' });
    expect((await h.request('POST', `/api/whatsapp/${store.storeId}/1/logout`, { key: store.apiKey })).body).toEqual({ success: true, status: 'logged_out' });
  });
});
