// A producer's events commit with its data (outbox-insert.ts's writer, handed to the producer):
// the deliveries are written by the producer's own transaction (same xmin as its row), nothing is
// written when that transaction writes nothing or rolls back, and the bus's later copy of the
// same event only wakes the worker — it adds no row. Real Postgres; no delivery worker runs here,
// so the rows stay as their transaction wrote them.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createAppointmentsRepo } from '../../src/booking/appointments.repo.js';
import { createOutboxWriter } from '../../src/webhooks/outbox-insert.js';
import { createOutboxRepo } from '../../src/webhooks/outbox.repo.js';
import { toOutboxEvent } from '../../src/webhooks/webhook-events.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db?.destroy());

async function hookedStore(events: string[]) {
  const store = await db.prisma.store.create({ data: { name: 'Outbox', apiKeyHash: randomBytes(8).toString('hex'), apiKeyLast4: 'abcd' } });
  const hook = await db.prisma.webhook.create({ data: { storeId: store.id, url: 'https://example.com/hook', secretSealed: Buffer.from('sealed'), secretLast4: 'abcd', events } });
  const contact = await db.prisma.contact.create({ data: { storeId: store.id, name: 'Ana', phone: '+5511988887777' } });
  return { storeId: store.id, hookId: hook.id, contactId: contact.id };
}

const xminOf = async (table: 'appointments', id: string) => (await db.prisma.$queryRawUnsafe<Array<{ x: string }>>(`SELECT xmin::text AS x FROM ${table} WHERE id = $1`, id))[0]!.x;
const deliveries = (hookId: string) =>
  db.prisma.$queryRaw<Array<{ event: string; event_id: string; xact: string; data: Record<string, unknown> }>>`
    SELECT event, event_id, xmin::text AS xact, payload -> 'data' AS data FROM webhook_deliveries WHERE webhook_id = ${hookId} ORDER BY seq`;

describe('events written in the producer\'s transaction', () => {
  it('a booking and each change write their event in their own transaction; a refused one writes nothing', async () => {
    const s = await hookedStore(['appointment.created', 'appointment.updated', 'appointment.cancelled']);
    const writer = createOutboxWriter();
    const repo = createAppointmentsRepo(db.prisma, writer.write);
    const at = new Date(Date.now() + 86_400_000);
    const span = { startsAt: at, endsAt: new Date(at.getTime() + 3_600_000) };
    const booked = await repo.book(s.storeId, { contactId: s.contactId, serviceId: null, ...span, status: 'scheduled', notes: null });
    if (booked.kind !== 'booked') throw new Error('not booked');
    expect(await repo.book(s.storeId, { contactId: s.contactId, serviceId: null, ...span, status: 'scheduled', notes: null })).toMatchObject({ kind: 'overlap' });
    let rows = await deliveries(s.hookId);
    expect(rows.map((r) => [r.event, r.xact])).toEqual([['appointment.created', await xminOf('appointments', booked.row.id)]]);
    expect(rows[0]!.data).toMatchObject({ appointmentId: booked.row.id, contactId: s.contactId, status: 'scheduled' });

    const moved = await repo.change(s.storeId, booked.row.id, () => ({ data: { notes: 'trazer exames' }, claimsTime: false }));
    const unchanged = await repo.change(s.storeId, booked.row.id, () => ({ data: {}, claimsTime: false }));
    expect(unchanged).toMatchObject({ kind: 'changed', events: [] });
    const xactAfterNotes = await xminOf('appointments', booked.row.id);
    const cancelled = await repo.change(s.storeId, booked.row.id, () => ({ data: { status: 'cancelled' }, claimsTime: false }));
    rows = await deliveries(s.hookId);
    expect(rows.map((r) => r.event)).toEqual(['appointment.created', 'appointment.updated', 'appointment.cancelled']);
    expect(rows[1]!.xact).toBe(xactAfterNotes);
    expect(rows[2]!.xact).toBe(await xminOf('appointments', booked.row.id));

    // The bus's copies of those events, after the commits: the writer answers once that it wrote
    // each, and the outbox holds no second row for any of them.
    const written = [booked, moved, cancelled].flatMap((r) => ('events' in r ? r.events : []));
    expect(written).toHaveLength(3);
    const ids = written.map((e) => toOutboxEvent(e.type as 'appointment.created', e.event as never).eventId);
    expect(ids).toEqual(rows.map((r) => r.event_id));
    expect(ids.map((id) => writer.takeWritten(id))).toEqual([true, true, true]);
    expect(ids.map((id) => writer.takeWritten(id))).toEqual([false, false, false]);
    const outbox = createOutboxRepo(db.prisma, 'test');
    expect(await outbox.enqueueMany(written.map((e) => ({ storeId: s.storeId, event: toOutboxEvent(e.type as 'appointment.created', e.event as never) })))).toEqual([0, 0, 0]);
  });

  it('a transaction that rolls back takes its deliveries with it', async () => {
    const s = await hookedStore(['*']);
    const writer = createOutboxWriter();
    const at = new Date();
    await expect(
      db.prisma.$transaction(async (tx) => {
        await writer.write(tx, [{ type: 'contact.created', event: { storeId: s.storeId, contactId: s.contactId, source: 'api', at } }]);
        throw new Error('the producer changed its mind');
      }),
    ).rejects.toThrow('the producer changed its mind');
    expect(await deliveries(s.hookId)).toEqual([]);
    // An event no hook may ask for is not written at all.
    await db.prisma.$transaction((tx) => writer.write(tx, [{ type: 'message.changed', event: {} as never }]));
    expect(await deliveries(s.hookId)).toEqual([]);
  });
});
