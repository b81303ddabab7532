// The store's appointments in Postgres. Booking and every change run in one transaction that
// first takes the store's booking lock (a transaction-scoped advisory lock), so "is this time
// free?" and the write that takes it are one step for every daemon process: of two overlapping
// bookings, the second sees the first. Every statement is scoped by store_id. A booking's or a
// change's event is written (the webhook outbox) in the same transaction.
import type { Db, Prisma } from '../db/prisma.js';
import { writeNoEvents, type NamedEvent, type WriteEventsInTransaction } from '../events/committed-events.js';
import { bookedEvents, changeEvents } from './appointment-events.js';
import { FREED_STATUSES, holdsTime, type TCursor } from './booking.schemas.js';

/** First key of the two-key advisory lock space (the second: the store id's hash). Clear of the event-stream leases' class and of the slot locks' one-key space. */
const BOOKING_LOCK_CLASS = 0x445242;

/** Generous: on a busy store the lock is queued for, and the machine may be loaded. */
const TX = { maxWait: 10_000, timeout: 20_000 } as const;

export interface AppointmentRow {
  id: string;
  storeId: string;
  contactId: string;
  serviceId: string | null;
  startsAt: Date;
  endsAt: Date;
  status: string;
  notes: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export type NewAppointment = Pick<AppointmentRow, 'contactId' | 'serviceId' | 'startsAt' | 'endsAt' | 'status' | 'notes'>;

export interface AppointmentChange {
  data: Partial<Pick<AppointmentRow, 'serviceId' | 'startsAt' | 'endsAt' | 'status' | 'notes'>>;
  /** The changed appointment takes its time anew (moved, or back from cancelled): check it against the others. */
  claimsTime: boolean;
}

/** The appointment that already holds (part of) the time asked for. */
export type Overlap = Pick<AppointmentRow, 'id' | 'startsAt' | 'endsAt'>;

/** What committed, with the events it wrote (to emit on the bus now). */
export type Booking = { kind: 'booked'; row: AppointmentRow; events: NamedEvent[] } | { kind: 'overlap'; overlap: Overlap };
export type Change = { kind: 'changed'; before: AppointmentRow; after: AppointmentRow; events: NamedEvent[] } | { kind: 'overlap'; overlap: Overlap } | { kind: 'missing' };

export interface AppointmentFilter {
  from?: Date;
  to?: Date;
  contactId?: string;
  status?: string;
}

const holding = { notIn: [...FREED_STATUSES] };

async function lockBookings(tx: Prisma.TransactionClient, storeId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${BOOKING_LOCK_CLASS}::int4, hashtext(${storeId}))`;
}

/** The earliest appointment holding time in [startsAt, endsAt) — half-open: one may end as the next starts. */
async function firstOverlap(tx: Prisma.TransactionClient, storeId: string, span: { startsAt: Date; endsAt: Date }, exceptId?: string): Promise<Overlap | null> {
  const allowed = await tx.storeSettings.findUnique({ where: { storeId }, select: { allowOverlappingAppointments: true } });
  if (allowed?.allowOverlappingAppointments) return null;
  return tx.appointment.findFirst({
    where: { storeId, status: holding, startsAt: { lt: span.endsAt }, endsAt: { gt: span.startsAt }, ...(exceptId ? { id: { not: exceptId } } : {}) },
    orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
    select: { id: true, startsAt: true, endsAt: true },
  });
}

export function createAppointmentsRepo(db: Db, writeEvents: WriteEventsInTransaction = writeNoEvents) {
  return {
    async timezone(storeId: string): Promise<string | null> {
      const s = await db.storeSettings.findUnique({ where: { storeId }, select: { timezone: true } });
      return s?.timezone ?? null;
    },

    async contactExists(storeId: string, contactId: string): Promise<boolean> {
      return (await db.contact.count({ where: { storeId, id: contactId } })) > 0;
    },

    find(storeId: string, id: string): Promise<AppointmentRow | null> {
      return db.appointment.findFirst({ where: { storeId, id } });
    },

    book(storeId: string, row: NewAppointment): Promise<Booking> {
      return db.$transaction(async (tx): Promise<Booking> => {
        await lockBookings(tx, storeId);
        if (holdsTime(row.status)) {
          const overlap = await firstOverlap(tx, storeId, row);
          if (overlap) return { kind: 'overlap', overlap };
        }
        const booked = await tx.appointment.create({ data: { storeId, ...row } });
        const events = bookedEvents(booked);
        await writeEvents(tx, events);
        return { kind: 'booked', row: booked, events };
      }, TX);
    },

    /**
     * Changes an appointment under the booking lock: `decide` (the service's rules, pure) sees the
     * row as it is now, not as it was before another change committed. It may throw to refuse.
     */
    change(storeId: string, id: string, decide: (current: AppointmentRow) => AppointmentChange): Promise<Change> {
      return db.$transaction(async (tx): Promise<Change> => {
        await lockBookings(tx, storeId);
        const before = await tx.appointment.findFirst({ where: { storeId, id } });
        if (!before) return { kind: 'missing' };
        const { data, claimsTime } = decide(before);
        if (Object.keys(data).length === 0) return { kind: 'changed', before, after: before, events: [] };
        if (claimsTime) {
          const overlap = await firstOverlap(tx, storeId, { startsAt: data.startsAt ?? before.startsAt, endsAt: data.endsAt ?? before.endsAt }, id);
          if (overlap) return { kind: 'overlap', overlap };
        }
        const after = await tx.appointment.update({ where: { id: before.id, storeId }, data });
        const events = changeEvents(before, after);
        await writeEvents(tx, events);
        return { kind: 'changed', before, after, events };
      }, TX);
    },

    /** A page by (starts_at, id), earliest first. */
    list(storeId: string, filter: AppointmentFilter, limit: number, cursor: TCursor | undefined): Promise<AppointmentRow[]> {
      const where: Prisma.AppointmentWhereInput = {
        storeId,
        ...(filter.contactId ? { contactId: filter.contactId } : {}),
        ...(filter.status ? { status: filter.status } : {}),
        ...(filter.from || filter.to ? { startsAt: { ...(filter.from ? { gte: filter.from } : {}), ...(filter.to ? { lt: filter.to } : {}) } } : {}),
        ...(cursor ? { OR: [{ startsAt: { gt: cursor.at } }, { startsAt: cursor.at, id: { gt: cursor.id } }] } : {}),
      };
      return db.appointment.findMany({ where, orderBy: [{ startsAt: 'asc' }, { id: 'asc' }], take: limit + 1 });
    },

    /** Appointments holding time that start in [from, to). */
    countHoldingStarts(storeId: string, range: { from: Date; to: Date }): Promise<number> {
      return db.appointment.count({ where: { storeId, status: holding, startsAt: { gte: range.from, lt: range.to } } });
    },

    /** A contact's appointments holding time that have not ended by `now`, earliest first. */
    upcoming(storeId: string, contactId: string, now: Date, limit: number): Promise<AppointmentRow[]> {
      return db.appointment.findMany({
        where: { storeId, contactId, status: holding, endsAt: { gt: now } },
        orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
        take: limit,
      });
    },
  };
}

export type AppointmentsRepo = ReturnType<typeof createAppointmentsRepo>;
