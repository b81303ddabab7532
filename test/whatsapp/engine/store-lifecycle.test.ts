// Acceptance: deleting a store with a connected slot unlinks the device from the phone, leaves
// nothing of the store and ends its live stream; rotating a key ends the streams opened with the
// old one (and only those).
import { describe, expect, it } from '@jest/globals';
import { ADMIN_KEY, openEventStream, useDaemonSuite } from '../../support/daemon-harness.js';
import { linkSlot } from '../../support/link-slot.js';

const ctx = useDaemonSuite();

describe('a store’s life and its slots', () => {
  it('delete: the device is unlinked, nothing of the store remains, its event stream ends', async () => {
    const store = await ctx.h.createStore('Deleted Store');
    const keep = await ctx.h.createStore('Kept Store');
    await linkSlot(ctx.h, ctx.sim, store, 1, '5511977770001');
    const phone = ctx.sim.phone('5511977770001');
    const devicesLinked = phone.recipients().length;
    expect(phone.connectionCount()).toBe(1);
    const stream = await openEventStream(`${ctx.h.daemon.url}/api/whatsapp/${store.storeId}/events`, store.apiKey);
    const kept = await openEventStream(`${ctx.h.daemon.url}/api/whatsapp/${keep.storeId}/events`, keep.apiKey);
    await stream.events.take((e) => e.event === 'snapshot', 'snapshot');
    await kept.events.take((e) => e.event === 'snapshot', 'snapshot of the other store');

    const del = await ctx.h.request('DELETE', `/api/admin/stores/${store.storeId}`, { key: ADMIN_KEY });
    expect(del.status).toBe(204);

    // Unlinked from the phone (remove-companion-device), not merely disconnected.
    expect(phone.recipients().length).toBe(devicesLinked - 1);
    expect(phone.connectionCount()).toBe(0);
    expect(await stream.events.take((e) => e.event === 'end', 'the stream’s end')).toMatchObject({ data: { reason: 'deleted' } });
    expect(ctx.h.daemon.engine.supervisor({ storeId: store.storeId, slot: 1 })).toBeUndefined();

    // Nothing of the store in any table that has a store_id, except its audit trail.
    const tables = await ctx.h.db.pool.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'store_id' AND table_name <> 'audit_logs'`,
    );
    for (const { table_name } of tables.rows) {
      const { rows } = await ctx.h.db.pool.query(`SELECT count(*)::int AS n FROM "${table_name}" WHERE store_id = $1`, [store.storeId]);
      expect({ table: table_name, rows: rows[0].n }).toEqual({ table: table_name, rows: 0 });
    }
    expect((await ctx.h.request('GET', `/api/whatsapp/${store.storeId}/sessions`, { key: store.apiKey })).status).toBe(401);

    // The other store's stream is untouched: it still hears its own changes.
    await ctx.h.request('POST', `/api/whatsapp/${keep.storeId}/2/stop`, { key: keep.apiKey });
    expect(await kept.events.take((e) => e.event === 'slot', 'the other store’s change')).toMatchObject({ data: { slot: 2, status: 'stopped' } });
    expect(kept.events.peekAll().some((e) => e.event === 'end')).toBe(false);
    stream.close();
    kept.close();
  });

  it('rotate: streams opened with the old key end, one opened with the new key stays', async () => {
    const store = await ctx.h.createStore('Rotating Store');
    const old = await openEventStream(`${ctx.h.daemon.url}/api/whatsapp/${store.storeId}/events`, store.apiKey);
    await old.events.take((e) => e.event === 'snapshot', 'snapshot');

    const rotated = await ctx.h.request('POST', `/api/admin/stores/${store.storeId}/rotate-key`, { key: ADMIN_KEY });
    expect(rotated.status).toBe(200);
    expect(await old.events.take((e) => e.event === 'end', 'the old stream’s end')).toMatchObject({ data: { reason: 'key_rotated' } });

    const fresh = await openEventStream(`${ctx.h.daemon.url}/api/whatsapp/${store.storeId}/events`, rotated.body.apiKey);
    await fresh.events.take((e) => e.event === 'snapshot', 'snapshot on the new key');
    await ctx.h.request('POST', `/api/whatsapp/${store.storeId}/1/stop`, { key: rotated.body.apiKey });
    expect(await fresh.events.take((e) => e.event === 'slot', 'a change on the new key')).toMatchObject({ data: { slot: 1, status: 'stopped' } });
    expect(fresh.events.peekAll().some((e) => e.event === 'end')).toBe(false);
    old.close();
    fresh.close();
  });

  it('a status change reaches the event stream exactly once', async () => {
    const store = await ctx.h.createStore('Once Store');
    const stream = await openEventStream(`${ctx.h.daemon.url}/api/whatsapp/${store.storeId}/events`, store.apiKey);
    await stream.events.take((e) => e.event === 'snapshot', 'snapshot');
    await ctx.h.request('POST', `/api/whatsapp/${store.storeId}/1/stop`, { key: store.apiKey });
    await ctx.h.request('POST', `/api/whatsapp/${store.storeId}/2/stop`, { key: store.apiKey });
    // Slot 2's change was written after slot 1's: once it is here, any echo of slot 1's (its own
    // NOTIFY heard back) would have been too.
    await stream.events.take((e) => e.event === 'slot' && e.data.slot === 2, 'slot 2 stopped');
    await ctx.h.request('POST', `/api/whatsapp/${store.storeId}/3/stop`, { key: store.apiKey });
    await stream.events.take((e) => e.event === 'slot' && e.data.slot === 3, 'slot 3 stopped');
    // Slots 2 and 3 were taken above; what is left must be slot 1's one event.
    const rest = stream.events.peekAll().filter((e) => e.event === 'slot').map((e) => e.data.slot);
    expect(rest).toEqual([1]);
    stream.close();
  });
});
