// Acceptance: deleting a store with a connected slot unlinks the device from the phone, leaves
// nothing of the store and ends its live stream; rotating a key ends the streams opened with the
// old one (and only those).
import { describe, expect, it } from '@jest/globals';
import { ADMIN_KEY, openEventStream, useDaemonSuite } from '../../support/daemon-harness.js';
import { linkSlot } from '../../support/link-slot.js';

const ctx = useDaemonSuite();

/** A store's event stream, read past its first `snapshot`. */
async function streamOf(storeId: string, key: string) {
  const stream = await openEventStream(`${ctx.h.daemon.url}/api/whatsapp/${storeId}/events`, key);
  await stream.events.take((e) => e.event === 'snapshot', `the snapshot of ${storeId}`);
  return stream;
}

type Stream = Awaited<ReturnType<typeof streamOf>>;

/** Stops `slot` (nobody runs it) and checks that `stream` hears that change and has not ended. */
async function expectStreamHearsStop(stream: Stream, storeId: string, key: string, slot: number): Promise<void> {
  await ctx.h.request('POST', `/api/whatsapp/${storeId}/${slot}/stop`, { key });
  expect(await stream.events.take((e) => e.event === 'slot', `slot ${slot} stopped`)).toMatchObject({ data: { slot, status: 'stopped' } });
  expect(stream.events.peekAll().some((e) => e.event === 'end')).toBe(false);
}

describe('a store’s life and its slots', () => {
  it('delete: the device is unlinked, nothing of the store remains, its event stream ends', async () => {
    const store = await ctx.h.createStore('Deleted Store');
    const keep = await ctx.h.createStore('Kept Store');
    await linkSlot(ctx.h, ctx.sim, store, 1, '5511977770001');
    const phone = ctx.sim.phone('5511977770001');
    const devicesLinked = phone.recipients().length;
    expect(phone.connectionCount()).toBe(1);
    const stream = await streamOf(store.storeId, store.apiKey);
    const kept = await streamOf(keep.storeId, keep.apiKey);

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
    await expectStreamHearsStop(kept, keep.storeId, keep.apiKey, 2);
    stream.close();
    kept.close();
  });

  it('rotate: streams opened with the old key end, one opened with the new key stays', async () => {
    const store = await ctx.h.createStore('Rotating Store');
    const old = await streamOf(store.storeId, store.apiKey);

    const rotated = await ctx.h.request('POST', `/api/admin/stores/${store.storeId}/rotate-key`, { key: ADMIN_KEY });
    expect(rotated.status).toBe(200);
    expect(await old.events.take((e) => e.event === 'end', 'the old stream’s end')).toMatchObject({ data: { reason: 'key_rotated' } });

    const fresh = await streamOf(store.storeId, rotated.body.apiKey);
    await expectStreamHearsStop(fresh, store.storeId, rotated.body.apiKey, 1);
    old.close();
    fresh.close();
  });

  it('a status change reaches the event stream exactly once', async () => {
    const store = await ctx.h.createStore('Once Store');
    const stream = await streamOf(store.storeId, store.apiKey);
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
