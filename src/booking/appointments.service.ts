// The store's appointments: booking (the end from the service's duration when not given), changes,
// cancellation, and the reads the calendar, the summary and the bot need. Two appointments that
// hold time never overlap unless the store allows it (settings.allow_overlapping_appointments);
// the repo checks that under the store's booking lock. Events are written with the change (the
// webhook outbox) and go to the bus after the commit.
import { emitCommitted } from '../events/committed-events.js';
import type { DomainEventBus } from '../events/event-bus.js';
import { AppError, dayOf, dayRange, ErrorCode, storeZone } from '../kernel/index.js';
import { bookingEnd, inactiveService, planChange, requireEndAfterStart, type BookableService } from './appointment-plan.js';
import type { AppointmentRow, AppointmentsRepo, Change, Overlap } from './appointments.repo.js';
import { encodeCursor, type TAppointment, type TAppointmentCreate, type TAppointmentListQuery, type TAppointmentPage, type TAppointmentPatch, type TAppointmentStatus } from './booking.schemas.js';

export function appointmentView(a: AppointmentRow): TAppointment {
  return {
    id: a.id,
    contactId: a.contactId,
    serviceId: a.serviceId,
    startsAt: a.startsAt.toISOString(),
    endsAt: a.endsAt.toISOString(),
    status: a.status as TAppointmentStatus,
    notes: a.notes,
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
  };
}

const notFound = () => new AppError(ErrorCode.NOT_FOUND, 'Appointment not found');

function overlapping(o: Overlap): AppError {
  return new AppError(
    ErrorCode.CONFLICT,
    `The time overlaps appointment ${o.id} (${o.startsAt.toISOString()} to ${o.endsAt.toISOString()}); pick another time, or allow overlapping appointments in the store's settings`,
    { appointmentId: o.id, startsAt: o.startsAt.toISOString(), endsAt: o.endsAt.toISOString() },
  );
}

export function createAppointmentsService(deps: {
  repo: AppointmentsRepo;
  /** The store's service by id (or null): the services domain's, for durations and whether bookable. */
  findService: (storeId: string, id: string) => Promise<BookableService | null>;
  bus: Pick<DomainEventBus, 'emit'>;
}) {
  const { repo, bus } = deps;

  async function serviceOf(storeId: string, id: string): Promise<BookableService> {
    const service = await deps.findService(storeId, id);
    if (!service) throw new AppError(ErrorCode.NOT_FOUND, `Service ${id} not found in this store`);
    return service;
  }

  /** The change committed: its view, and its event (none when nothing differed). */
  function settle(change: Change): TAppointment {
    if (change.kind === 'missing') throw notFound();
    if (change.kind === 'overlap') throw overlapping(change.overlap);
    emitCommitted(bus, change.events);
    return appointmentView(change.after);
  }

  async function zoneOf(storeId: string): Promise<string> {
    return storeZone(await repo.timezone(storeId));
  }

  return {
    async create(storeId: string, body: TAppointmentCreate): Promise<TAppointment> {
      if (!(await repo.contactExists(storeId, body.contactId))) throw new AppError(ErrorCode.NOT_FOUND, `Contact ${body.contactId} not found in this store`);
      const service = body.serviceId ? await serviceOf(storeId, body.serviceId) : null;
      if (service && !service.active) throw inactiveService(service.id);
      const endsAt = bookingEnd(body.startsAt, body.endsAt, service);
      requireEndAfterStart(body.startsAt, endsAt);
      const booking = await repo.book(storeId, {
        contactId: body.contactId,
        serviceId: service?.id ?? null,
        startsAt: body.startsAt,
        endsAt,
        status: body.status ?? 'scheduled',
        notes: body.notes ?? null,
      });
      if (booking.kind === 'overlap') throw overlapping(booking.overlap);
      emitCommitted(bus, booking.events);
      return appointmentView(booking.row);
    },

    async get(storeId: string, id: string): Promise<TAppointment> {
      const row = await repo.find(storeId, id);
      if (!row) throw notFound();
      return appointmentView(row);
    },

    async update(storeId: string, id: string, patch: TAppointmentPatch): Promise<TAppointment> {
      const newService = patch.serviceId ? await serviceOf(storeId, patch.serviceId) : null;
      return settle(await repo.change(storeId, id, (current) => planChange(current, patch, newService)));
    },

    /** Cancels (the row stays, for the contact's history); cancelling a cancelled one changes nothing. */
    async cancel(storeId: string, id: string): Promise<TAppointment> {
      return settle(await repo.change(storeId, id, (current) => ({ data: current.status === 'cancelled' ? {} : { status: 'cancelled' }, claimsTime: false })));
    },

    async list(storeId: string, query: TAppointmentListQuery): Promise<TAppointmentPage> {
      const range = query.day ? dayRange(query.day, await zoneOf(storeId)) : { from: query.from, to: query.to };
      const rows = await repo.list(storeId, { ...range, contactId: query.contactId, status: query.status }, query.limit, query.cursor);
      const page = rows.slice(0, query.limit);
      const last = page[page.length - 1];
      return { data: page.map(appointmentView), nextCursor: rows.length > query.limit && last ? encodeCursor(last.startsAt, null, last.id) : null };
    },

    /** Appointments holding time (not cancelled, not no-show) that start today in the store's timezone. */
    async appointmentsToday(storeId: string, now = new Date()): Promise<number> {
      return repo.countHoldingStarts(storeId, dayOf(now, await zoneOf(storeId)));
    },

    /** The contact's appointments holding time that have not ended yet, earliest first (1..100 of them). */
    async upcomingForContact(storeId: string, contactId: string, limit = 5, now = new Date()): Promise<TAppointment[]> {
      const rows = await repo.upcoming(storeId, contactId, now, Math.min(Math.max(Math.trunc(limit) || 1, 1), 100));
      return rows.map(appointmentView);
    },
  };
}

export type AppointmentsService = ReturnType<typeof createAppointmentsService>;
