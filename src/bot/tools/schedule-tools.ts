// The tools that find and take a time: the store's services, the free start times of a day, and
// booking one the customer confirmed. Times are the store's (its zone, with the offset written
// out), so the model never converts them itself.
import { DateTime } from 'luxon';
import { z } from 'zod';
import { AppError, dayRange, ErrorCode, storeZone, ZRowId, type InstantRange } from '../../kernel/index.js';
import { ZCursor, type TCursor } from '../../http/pagination.js';
import { isWithinOpenings, openingsOn } from '../../settings/index.js';
import { holdsTime } from '../../booking/index.js';
import type { BotTool, ToolContext } from '../bot-tool.js';
import type { BookingToolsDeps, StoreBookingSettings } from './booking-tool-deps.js';
import { CHECK_AVAILABILITY, offeredEarlier } from './earlier-offers.js';
import { freeStarts, refusalOf, type BusySpan, type DayPlan } from './free-times.js';
import { defineTool, inZone, priceView, refusal } from './tool-results.js';

/** The length (and grid step) of a service without a duration. */
const DEFAULT_LENGTH_MINUTES = 30;
/** An appointment that began the day before may still run into the day asked about. */
const LOOKBACK_MS = 24 * 60 * 60_000;

const ZServiceId = ZRowId.describe('the service id, as list_services gives it');

async function bookable(deps: BookingToolsDeps, storeId: string, serviceId: string) {
  const service = await deps.booking.services.find(storeId, serviceId);
  return service?.active ? service : null;
}

const unknownService = (id: string) => refusal('unknown_service', `There is no bookable service ${id}; call list_services for the ids.`);
const lengthMs = (service: { durationMinutes: number | null }) => (service.durationMinutes ?? DEFAULT_LENGTH_MINUTES) * 60_000;

/** The appointments holding time that overlap the day (unless the store allows overlaps). */
async function busySpans(deps: BookingToolsDeps, storeId: string, day: InstantRange): Promise<BusySpan[]> {
  const spans: BusySpan[] = [];
  let cursor: TCursor | undefined;
  do {
    const page = await deps.booking.appointments.list(storeId, { from: new Date(day.from.getTime() - LOOKBACK_MS), to: day.to, limit: 100, cursor });
    for (const a of page.data) {
      const span = { from: new Date(a.startsAt), to: new Date(a.endsAt) };
      if (holdsTime(a.status) && span.to > day.from) spans.push(span);
    }
    cursor = page.nextCursor ? ZCursor.parse(page.nextCursor) : undefined;
  } while (cursor);
  return spans;
}

async function dayPlan(deps: BookingToolsDeps, ctx: ToolContext, settings: StoreBookingSettings, zone: string, day: string): Promise<DayPlan> {
  const openings = openingsOn(settings.workingHours, zone, day);
  const busy = settings.allowOverlappingAppointments || openings.length === 0 ? [] : await busySpans(deps, ctx.storeId, dayRange(day, zone));
  return { openings, busy, now: ctx.now };
}

const localTime = (at: Date, zone: string) => DateTime.fromJSDate(at, { zone }).toFormat('HH:mm');

/** The start the customer asked for, free or why not (on the grid or off it: 10:15 is fine if free). */
function requestedStart(plan: DayPlan, startsAt: Date, length: number, zone: string) {
  const reason = refusalOf(plan, startsAt, length);
  return { startsAt: inZone(startsAt, zone), free: reason === null, ...(reason ? { reason } : {}) };
}

export function scheduleTools(deps: BookingToolsDeps): BotTool[] {
  const listServices = defineTool(
    {
      name: 'list_services',
      description: 'Lists the services the store offers (id, name, price, duration in minutes). Call it before checking availability or booking, to know the service ids.',
      parameters: z.strictObject({}),
      async run(_args, ctx) {
        const page = await deps.booking.services.list(ctx.storeId, { active: true, limit: 100 });
        const services = page.data.map((s) => ({ id: s.id, name: s.name, description: s.description, price: priceView(s.priceCents, s.currency), durationMinutes: s.durationMinutes }));
        return { ok: true, services };
      },
    },
    deps.onFailure,
  );

  const checkAvailability = defineTool(
    {
      name: CHECK_AVAILABILITY,
      description:
        "Lists the free start times of a service on a day, in the store's time zone, within working hours and not in the past. Give `time` to check one start the customer asked for. Show the customer the times; book only after they confirm one in a later message.",
      parameters: z.strictObject({
        serviceId: ZServiceId,
        date: z.iso.date().describe("the day, YYYY-MM-DD, in the store's time zone"),
        time: z
          .string()
          .regex(/^([01]\d|2[0-3]):[0-5]\d$/)
          .optional()
          .describe("a start time the customer asked for, HH:MM (24-hour) in the store's time zone"),
      }),
      async run(args, ctx) {
        const service = await bookable(deps, ctx.storeId, args.serviceId);
        if (!service) return unknownService(args.serviceId);
        const settings = await deps.storeSettings(ctx.storeId);
        const zone = storeZone(settings.timezone);
        const plan = await dayPlan(deps, ctx, settings, zone, args.date);
        const length = lengthMs(service);
        const requested = args.time ? requestedStart(plan, DateTime.fromISO(`${args.date}T${args.time}`, { zone }).toJSDate(), length, zone) : undefined;
        return {
          ok: true,
          service: { id: service.id, name: service.name, durationMinutes: length / 60_000 },
          date: args.date,
          timezone: zone,
          openingHours: plan.openings.map((o) => ({ from: localTime(o.from, zone), to: localTime(o.to, zone) })),
          // The record the booking checks later: every start offered as free.
          freeStarts: freeStarts(plan, length, length).map((s) => inZone(s, zone)),
          ...(requested ? { requested } : {}),
        };
      },
    },
    deps.onFailure,
  );

  const bookAppointment = defineTool(
    {
      name: 'book_appointment',
      description:
        'Books the service for this customer. Only for a start time that check_availability offered as free in an earlier turn and that the customer has since confirmed in the chat; never in the same turn as check_availability.',
      parameters: z.strictObject({
        serviceId: ZServiceId,
        startsAt: z.iso.datetime({ offset: true }).describe('the confirmed start, exactly as check_availability gave it (ISO 8601 with the offset)'),
      }),
      async run(args, ctx) {
        const service = await bookable(deps, ctx.storeId, args.serviceId);
        if (!service) return unknownService(args.serviceId);
        const settings = await deps.storeSettings(ctx.storeId);
        const zone = storeZone(settings.timezone);
        const startsAt = new Date(args.startsAt);
        const endsAt = new Date(startsAt.getTime() + lengthMs(service));
        if (startsAt < ctx.now) return refusal('in_the_past', 'That time has passed; check availability again.');
        if (!isWithinOpenings(settings.workingHours, zone, startsAt, endsAt)) return refusal('outside_working_hours', 'That time is outside the working hours; check availability for a free time.');
        if (!offeredEarlier(ctx, service.id, startsAt)) {
          return refusal('not_confirmed', 'Book only a time check_availability offered as free in an earlier message and the customer has confirmed since: offer it first and wait for their answer.');
        }
        // A turn retried after a failure may ask again for what it already booked: the same answer.
        const booked = (await deps.booking.appointments.upcomingForContact(ctx.storeId, ctx.contactId, 100, ctx.now)).find(
          (a) => a.serviceId === service.id && new Date(a.startsAt).getTime() === startsAt.getTime() && holdsTime(a.status),
        );
        if (booked) return { ok: true, appointment: { id: booked.id, startsAt: inZone(new Date(booked.startsAt), zone), endsAt: inZone(new Date(booked.endsAt), zone), service: { id: service.id, name: service.name } } };
        try {
          // The end is given: a service without a duration gets the default length, as it was offered.
          const a = await deps.booking.appointments.create(ctx.storeId, { contactId: ctx.contactId, serviceId: service.id, startsAt, endsAt });
          return { ok: true, appointment: { id: a.id, startsAt: inZone(a.startsAt, zone), endsAt: inZone(a.endsAt, zone), service: { id: service.id, name: service.name } } };
        } catch (error) {
          // Booked by someone else since it was offered: booking's overlap check, under its lock.
          if (error instanceof AppError && error.code === ErrorCode.CONFLICT && (error.details as { appointmentId?: string } | undefined)?.appointmentId) {
            return refusal('taken', 'That time was taken in the meantime; check availability again and offer another.');
          }
          throw error;
        }
      },
    },
    deps.onFailure,
  );

  return [listServices, checkAvailability, bookAppointment];
}
