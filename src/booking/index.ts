// The booking domain's public face: the store's services and appointments (one router), and the
// reads other domains use (`booking.reads`: today's count for the summary, a contact's upcoming
// appointments for the bot and the contact page).
import type { AppointmentsService } from './appointments.service.js';

export { bookingRouter, createBooking, type Booking } from './booking.js';
export type { AppointmentsService } from './appointments.service.js';
export type { ServicesService } from './services.service.js';
export type { TAppointment, TService } from './booking.schemas.js';
/** Whether an appointment in this status holds its time (cancelled and no-show ones do not). */
export { holdsTime } from './booking.schemas.js';

/** `appointmentsToday(storeId): Promise<number>`, `upcomingForContact(storeId, contactId, limit)`. */
export type BookingReads = Pick<AppointmentsService, 'appointmentsToday' | 'upcomingForContact'>;
