// The store's appointments: book, list (a day in the store's timezone, a contact, a status, a
// window), read, change, cancel.
import { Router } from 'express';
import { requireStoreKey, type AuthorizeStore } from '../http/auth.js';
import type { OpenApiRegistry } from '../http/openapi.js';
import { withLimit, type RateLimits } from '../http/rate-limits.js';
import { parseBody, parseParams, parseQuery } from '../http/validate.js';
import type { AppointmentsService } from './appointments.service.js';
import { ZAppointment, ZAppointmentCreate, ZAppointmentListQuery, ZAppointmentPage, ZAppointmentPatch, ZStoreParams, ZStoreRowParams } from './booking.schemas.js';

export function appointmentsRouter(deps: {
  appointments: AppointmentsService;
  authorizeStore: AuthorizeStore<unknown>;
  openapi: OpenApiRegistry;
  limits?: Pick<RateLimits, 'perStoreKey'>;
}): Router {
  const { appointments, openapi } = deps;
  const router = Router();
  const storeKey = withLimit(requireStoreKey(deps.authorizeStore), deps.limits?.perStoreKey);
  const tag = 'appointments';
  const base = '/api/client/:storeId/appointments';

  openapi.add({ method: 'post', path: base, summary: 'Book an appointment for a contact (409 naming the appointment it would overlap, unless the store allows overlaps)', tag, auth: 'store', params: ZStoreParams, body: ZAppointmentCreate, responses: { 201: ZAppointment } });
  router.post(base, storeKey, async (req, res) => {
    const { storeId } = parseParams(ZStoreParams, req);
    const body = parseBody(ZAppointmentCreate, req);
    res.status(201).json(await appointments.create(storeId, body));
  });

  openapi.add({ method: 'get', path: base, summary: "Appointments by start, earliest first: of a day in the store's timezone, a window, a contact, a status", tag, auth: 'store', params: ZStoreParams, query: ZAppointmentListQuery, responses: { 200: ZAppointmentPage } });
  router.get(base, storeKey, async (req, res) => {
    const { storeId } = parseParams(ZStoreParams, req);
    res.json(await appointments.list(storeId, parseQuery(ZAppointmentListQuery, req)));
  });

  openapi.add({ method: 'get', path: `${base}/:id`, summary: 'One appointment', tag, auth: 'store', params: ZStoreRowParams, responses: { 200: ZAppointment } });
  router.get(`${base}/:id`, storeKey, async (req, res) => {
    const { storeId, id } = parseParams(ZStoreRowParams, req);
    res.json(await appointments.get(storeId, id));
  });

  openapi.add({ method: 'patch', path: `${base}/:id`, summary: 'Move, change or cancel an appointment (a new time is checked for overlaps again)', tag, auth: 'store', params: ZStoreRowParams, body: ZAppointmentPatch, responses: { 200: ZAppointment } });
  router.patch(`${base}/:id`, storeKey, async (req, res) => {
    const { storeId, id } = parseParams(ZStoreRowParams, req);
    const patch = parseBody(ZAppointmentPatch, req);
    res.json(await appointments.update(storeId, id, patch));
  });

  openapi.add({ method: 'delete', path: `${base}/:id`, summary: 'Cancel an appointment: it stays, cancelled, and its time is free (same as PATCH status cancelled)', tag, auth: 'store', params: ZStoreRowParams, responses: { 200: ZAppointment } });
  router.delete(`${base}/:id`, storeKey, async (req, res) => {
    const { storeId, id } = parseParams(ZStoreRowParams, req);
    res.json(await appointments.cancel(storeId, id));
  });

  return router;
}
