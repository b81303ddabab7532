// The events of a booking and of a change to it, as the repo writes them (the webhook outbox) in
// the transaction that made them, and the service emits them after.
import type { NamedEvent } from '../events/committed-events.js';

/** The fields of an appointment row its events carry. */
interface BookedRow {
  id: string;
  storeId: string;
  contactId: string;
  serviceId: string | null;
  status: string;
  startsAt: Date;
  endsAt: Date;
  updatedAt: Date;
}

function appointmentEvent(type: 'appointment.created' | 'appointment.updated' | 'appointment.cancelled', a: BookedRow): NamedEvent {
  return { type, event: { storeId: a.storeId, appointmentId: a.id, contactId: a.contactId, serviceId: a.serviceId, status: a.status, startsAt: a.startsAt, endsAt: a.endsAt, at: a.updatedAt } };
}

/** The event of a booking. */
export const bookedEvents = (row: BookedRow): NamedEvent[] => [appointmentEvent('appointment.created', row)];

/** The event of a change: cancelled when it became so, else updated; none when nothing changed. */
export function changeEvents(before: BookedRow, after: BookedRow): NamedEvent[] {
  if (after === before) return [];
  return [appointmentEvent(after.status === 'cancelled' && before.status !== 'cancelled' ? 'appointment.cancelled' : 'appointment.updated', after)];
}
