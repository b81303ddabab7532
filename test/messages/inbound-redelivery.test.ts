// A message WhatsApp sends again is stored once: the simulator pushes every message a device did
// not receipt again at its next login (the daemon stops mid-burst and starts again), and a
// contact may send the same id twice.
import { describe, expect, it } from '@jest/globals';
import { useDaemonSuite } from '../support/daemon-harness.js';
import { eventually } from '../support/eventually.js';
import { duplicateKeys, inboundCount, inboundRows, startBurst } from '../support/inbound-burst.js';
import { linkSlot } from '../support/link-slot.js';

const ctx = useDaemonSuite();

describe('redelivered messages', () => {
  it('what the daemon had not receipted when it stopped comes again at its next login, and every id is stored once', async () => {
    const store = await ctx.h.createStore('Redelivery Burst');
    await linkSlot(ctx.h, ctx.sim, store, 1, '5511955559001');
    const phone = ctx.sim.phone('5511955559001');
    const device = [...phone.account.devices.keys()][0]!;
    const contacts = Array.from({ length: 3 }, (_, i) => phone.contact(undefined, { pushName: `Again ${i}` }));
    const burst = startBurst(contacts, 60);
    await eventually(() => inboundCount(ctx.h.db.pool, [store.storeId]), (n) => n >= 20, 60_000);
    await ctx.h.stop();
    await burst.done;
    // Owed to the device: pushed to it or waiting, never receipted.
    const owed = phone.unreceiptedIds(device);
    expect(owed.length).toBeGreaterThan(0);

    await ctx.h.start();
    // The same id again from a contact, as WhatsApp redelivers a message it thinks was not received.
    const twice = burst.sent[0]!;
    await twice.contact.sendText(twice.text, { id: twice.id });
    const count = await eventually(() => inboundCount(ctx.h.db.pool, [store.storeId]), (n) => n >= burst.sent.length, 120_000);
    await eventually(async () => phone.unreceiptedIds(device).length, (n) => n === 0, 60_000);
    const again = await twice.contact.sendText('depois');
    await eventually(() => ctx.h.db.prisma.message.count({ where: { storeId: store.storeId, waMessageId: again } }), (n) => n === 1);

    const rows = await inboundRows(ctx.h.db.pool, [store.storeId]);
    expect(count).toBe(burst.sent.length);
    expect(rows).toHaveLength(burst.sent.length + 1);
    expect(duplicateKeys(rows)).toEqual([]);
    const textOf = new Map(burst.sent.map((m) => [m.id, m.text]));
    expect(rows.filter((r) => r.waMessageId !== again && r.text !== textOf.get(r.waMessageId))).toEqual([]);
    // The redelivered ones are among them, once each.
    const storedIds = rows.map((r) => r.waMessageId);
    expect(owed.filter((id) => storedIds.filter((s) => s === id).length !== 1)).toEqual([]);
    expect(phone.unreceiptedIds(device)).toEqual([]);
  }, 240_000);
});
