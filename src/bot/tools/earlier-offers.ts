// "Only after the customer confirms in the chat", enforced from the record: a booking or a
// cancellation goes through only when an earlier turn's tool result showed the customer that
// time or that appointment — that turn ended with a reply the customer has answered since. A
// model that books on its own in the turn it looked the time up is refused.
// The results are read back from stored JSON, so they are parsed, not trusted.
import { z } from 'zod';
import type { RecordedToolCall, ToolContext } from '../bot-tool.js';

export const CHECK_AVAILABILITY = 'check_availability';
export const LIST_MY_APPOINTMENTS = 'list_my_appointments';

const ZOffer = z.object({
  ok: z.literal(true),
  service: z.object({ id: z.string() }),
  freeStarts: z.array(z.string()),
  requested: z.object({ startsAt: z.string(), free: z.boolean() }).optional(),
});

const ZListing = z.object({ ok: z.literal(true), appointments: z.array(z.object({ id: z.string() })) });

function earlier(ctx: ToolContext, name: string): RecordedToolCall[] {
  // earlierCalls holds earlier turns only; the turn id check keeps that true whatever fills it.
  return ctx.earlierCalls.filter((c) => c.name === name && c.turnId !== ctx.turnId);
}

/** Whether an earlier turn's check_availability offered `startsAt` (as an instant) as free for the service. */
export function offeredEarlier(ctx: ToolContext, serviceId: string, startsAt: Date): boolean {
  return earlier(ctx, CHECK_AVAILABILITY).some((call) => {
    const offer = ZOffer.safeParse(call.result);
    if (!offer.success || offer.data.service.id !== serviceId) return false;
    const { freeStarts, requested } = offer.data;
    const offered = requested?.free ? [...freeStarts, requested.startsAt] : freeStarts;
    return offered.some((s) => Date.parse(s) === startsAt.getTime());
  });
}

/** Whether an earlier turn's list_my_appointments showed the appointment. */
export function listedEarlier(ctx: ToolContext, appointmentId: string): boolean {
  return earlier(ctx, LIST_MY_APPOINTMENTS).some((call) => {
    const listing = ZListing.safeParse(call.result);
    return listing.success && listing.data.appointments.some((a) => a.id === appointmentId);
  });
}
