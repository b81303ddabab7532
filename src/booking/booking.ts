// The booking domain assembled: its repos and services over the database and the bus, and one
// router for the composition root to mount.
import { Router } from 'express';
import type { Db } from '../db/prisma.js';
import type { WriteEventsInTransaction } from '../events/committed-events.js';
import type { DomainEventBus } from '../events/event-bus.js';
import type { AuthorizeStore } from '../http/auth.js';
import type { OpenApiRegistry } from '../http/openapi.js';
import type { RateLimits } from '../http/rate-limits.js';
import { createAppointmentsRepo } from './appointments.repo.js';
import { appointmentsRouter } from './appointments.routes.js';
import { createAppointmentsService, type AppointmentsService } from './appointments.service.js';
import { createServicesRepo } from './services.repo.js';
import { servicesRouter } from './services.routes.js';
import { createServicesService, type ServicesService } from './services.service.js';

export interface Booking {
  services: ServicesService;
  appointments: AppointmentsService;
  /** For other domains: today's count (the summary), a contact's next appointments (the bot). */
  reads: Pick<AppointmentsService, 'appointmentsToday' | 'upcomingForContact'>;
}

/** `writeEvents`: the webhook outbox, written in each booking's and change's transaction. */
export function createBooking(deps: { db: Db; bus: Pick<DomainEventBus, 'emit'>; writeEvents?: WriteEventsInTransaction }): Booking {
  const services = createServicesService({ repo: createServicesRepo(deps.db) });
  const appointments = createAppointmentsService({ repo: createAppointmentsRepo(deps.db, deps.writeEvents), findService: services.find, bus: deps.bus });
  const { appointmentsToday, upcomingForContact } = appointments;
  return { services, appointments, reads: { appointmentsToday, upcomingForContact } };
}

export function bookingRouter(deps: { booking: Booking; authorizeStore: AuthorizeStore<unknown>; openapi: OpenApiRegistry; limits?: Pick<RateLimits, 'perStoreKey'> }): Router {
  const { booking, ...rest } = deps;
  return Router().use(servicesRouter({ services: booking.services, ...rest }), appointmentsRouter({ appointments: booking.appointments, ...rest }));
}
