// The tools for what the customer already has: their upcoming appointments, cancelling one they
// were shown and confirmed, and handing the chat to a person.
import { z } from 'zod';
import type { TAppointment } from '../../booking/index.js';
import { storeZone, ZRowId } from '../../kernel/index.js';
import type { BotTool } from '../bot-tool.js';
import type { BookingToolsDeps } from './booking-tool-deps.js';
import { LIST_MY_APPOINTMENTS, listedEarlier } from './earlier-offers.js';
import { defineTool, inZone, refusal } from './tool-results.js';

/** Booking's own cap on one read of a contact's upcoming appointments. */
const UPCOMING_MAX = 100;

export function appointmentTools(deps: BookingToolsDeps): BotTool[] {
  /** The appointments as the customer reads them: their service's name, times in the store's zone. */
  async function views(storeId: string, appointments: TAppointment[]) {
    const zone = storeZone((await deps.storeSettings(storeId)).timezone);
    const ids = [...new Set(appointments.flatMap((a) => (a.serviceId ? [a.serviceId] : [])))];
    const services = new Map((await Promise.all(ids.map((id) => deps.booking.services.find(storeId, id)))).flatMap((s) => (s ? [[s.id, s.name] as const] : [])));
    const view = (a: TAppointment) => ({
      id: a.id,
      service: a.serviceId ? { id: a.serviceId, name: services.get(a.serviceId) ?? null } : null,
      startsAt: inZone(a.startsAt, zone),
      endsAt: inZone(a.endsAt, zone),
      status: a.status,
    });
    return { zone, view };
  }

  const listMine = defineTool(
    {
      name: LIST_MY_APPOINTMENTS,
      description: "Lists this customer's upcoming appointments (id, service, start and end in the store's time zone). Call it before cancelling one, and show the customer which.",
      parameters: z.strictObject({}),
      async run(_args, ctx) {
        const upcoming = await deps.booking.reads.upcomingForContact(ctx.storeId, ctx.contactId, UPCOMING_MAX, ctx.now);
        const { zone, view } = await views(ctx.storeId, upcoming);
        return { ok: true, timezone: zone, appointments: upcoming.map(view) };
      },
    },
    deps.onFailure,
  );

  const cancel = defineTool(
    {
      name: 'cancel_appointment',
      description:
        "Cancels one of this customer's upcoming appointments. Only one that list_my_appointments showed in an earlier turn and the customer has since confirmed they want cancelled.",
      parameters: z.strictObject({ appointmentId: ZRowId.describe('the appointment id, as list_my_appointments gives it') }),
      async run(args, ctx) {
        // Only the customer's own: someone else's id is answered as if it did not exist.
        const upcoming = await deps.booking.reads.upcomingForContact(ctx.storeId, ctx.contactId, UPCOMING_MAX, ctx.now);
        if (!upcoming.some((a) => a.id === args.appointmentId)) {
          return refusal('not_found', "That is not one of this customer's upcoming appointments; call list_my_appointments.");
        }
        if (!listedEarlier(ctx, args.appointmentId)) {
          return refusal('not_confirmed', 'Cancel only an appointment list_my_appointments showed in an earlier message and the customer has confirmed since: show it first and wait for their answer.');
        }
        const cancelled = await deps.booking.appointments.cancel(ctx.storeId, args.appointmentId);
        const { view } = await views(ctx.storeId, [cancelled]);
        return { ok: true, appointment: view(cancelled) };
      },
    },
    deps.onFailure,
  );

  const handOff = defineTool(
    {
      name: 'hand_off_to_human',
      description: 'Hands the conversation to a person at the store: when the customer asks for one, or you cannot help. The bot then stays quiet in this chat until the store resumes it.',
      parameters: z.strictObject({ reason: z.string().min(1).max(500).describe('why, in a short sentence for the store’s staff') }),
      async run(args, ctx) {
        await deps.handOff(ctx, args.reason);
        return { ok: true };
      },
    },
    deps.onFailure,
  );

  return [listMine, cancel, handOff];
}
