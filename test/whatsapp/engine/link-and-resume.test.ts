// Acceptance: start slot 1 → SSE shows a QR → scan → connected with the phone; the sessions
// route shows it; restart the daemon → slot 1 comes back connected with no new QR.
import { describe, expect, it } from '@jest/globals';
import { openEventStream, useDaemonSuite, waitForEvent } from '../../support/daemon-harness.js';

const ctx = useDaemonSuite();

describe('linking a number and resuming it', () => {
  it('shows the QR over SSE, connects after the scan, and resumes after a restart without a QR', async () => {
    const store = await ctx.h.createStore('Pizzaria Bella');
    const stream = await openEventStream(`${ctx.h.daemon.url}/api/whatsapp/${store.storeId}/events`, store.apiKey);
    try {
      const snapshot = await stream.events.take((e) => e.event === 'snapshot', 'snapshot');
      expect(snapshot.data.data.map((s: { status: string }) => s.status)).toEqual(['disconnected', 'disconnected', 'disconnected']);

      const started = await ctx.h.request('POST', `/api/whatsapp/${store.storeId}/1/start`, { key: store.apiKey });
      expect(started.status).toBe(200);
      expect(started.body).toMatchObject({ success: true, status: 'qrcode', qrCode: expect.stringMatching(/^data:image\/png;base64,/) });

      const qrEvent = await stream.events.take((e) => e.event === 'slot' && e.data.status === 'qrcode', 'a QR over SSE');
      expect(qrEvent.data).toMatchObject({ slot: 1, isActive: false, qrCode: expect.stringMatching(/^data:image\/png;base64,/) });

      const qr = await ctx.h.request('GET', `/api/whatsapp/${store.storeId}/1/qr`, { key: store.apiKey });
      expect(qr.status).toBe(200);
      await ctx.sim.scanQr(qr.body.qr, { phone: '5511987650001' });

      const connected = await stream.events.take((e) => e.event === 'slot' && e.data.status === 'connected', 'connected over SSE', 20_000);
      expect(connected.data).toMatchObject({ slot: 1, isActive: true, phone: '5511987650001', jid: '5511987650001@s.whatsapp.net' });
    } finally {
      stream.close();
    }

    const sessions = await ctx.h.request('GET', `/api/whatsapp/${store.storeId}/sessions`, { key: store.apiKey });
    expect(sessions.body.data).toEqual([
      expect.objectContaining({ slot: 1, status: 'connected', isActive: true, phone: '5511987650001' }),
      expect.objectContaining({ slot: 2, status: 'disconnected', isActive: false }),
      expect.objectContaining({ slot: 3, status: 'disconnected', isActive: false }),
    ]);
    const png = await fetch(`${ctx.h.daemon.url}/api/whatsapp/${store.storeId}/1/qr?format=png`, { headers: { authorization: `Bearer ${store.apiKey}` } });
    expect(png.status).toBe(404);

    await ctx.h.stop();
    expect((await ctx.h.db.prisma.sessionSlot.findFirstOrThrow({ where: { storeId: store.storeId, slot: 1 } })).desired).toBe('running');
    await ctx.h.start();
    await waitForEvent(ctx.h, 'session.status', (e) => e.storeId === store.storeId && e.status === 'connected', 20_000);
    expect(ctx.h.events.peekAll().filter((x) => x.type === 'session.qr')).toEqual([]);
    await ctx.h.daemon.engine.drainSlotWrites();
    const after = await ctx.h.request('GET', `/api/whatsapp/${store.storeId}/1/status`, { key: store.apiKey });
    expect(after.body).toMatchObject({ status: 'connected', isActive: true, phone: '5511987650001' });
  });

  it('documents the session routes in the OpenAPI document', async () => {
    const doc = (await ctx.h.request('GET', '/openapi.json')).body;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/whatsapp/{storeId}/sessions', '/api/whatsapp/{storeId}/{slot}/start', '/api/whatsapp/{storeId}/events']));
    const slot = doc.paths['/api/whatsapp/{storeId}/{slot}/start'].post.parameters.find((p: { name: string }) => p.name === 'slot');
    expect(slot.schema).toMatchObject({ type: 'string', pattern: '^[1-9]\\d{0,2}$', description: 'slot number from 1 to 3' });
  });

  it('refuses a slot outside 1..MAX_SLOTS with 400 and another store key with 403', async () => {
    const a = await ctx.h.createStore('A');
    const b = await ctx.h.createStore('B');
    expect((await ctx.h.request('POST', `/api/whatsapp/${a.storeId}/4/start`, { key: a.apiKey })).status).toBe(400);
    expect((await ctx.h.request('POST', `/api/whatsapp/${a.storeId}/0/start`, { key: a.apiKey })).status).toBe(400);
    expect((await ctx.h.request('GET', `/api/whatsapp/${a.storeId}/x/status`, { key: a.apiKey })).status).toBe(400);
    const cross = await ctx.h.request('POST', `/api/whatsapp/${a.storeId}/1/start`, { key: b.apiKey });
    expect(cross.status).toBe(403);
    expect(await ctx.h.db.prisma.sessionSlot.count({ where: { storeId: a.storeId } })).toBe(0);
  });
});
