// The store's services (its catalogue of bookable things): create, list, read, change, delete.
import { Router } from 'express';
import { requireStoreKey, type AuthorizeStore } from '../http/auth.js';
import type { OpenApiRegistry } from '../http/openapi.js';
import { withLimit, type RateLimits } from '../http/rate-limits.js';
import { parseBody, parseParams, parseQuery } from '../http/validate.js';
import { ZService, ZServiceCreate, ZServiceListQuery, ZServicePage, ZServicePatch, ZStoreParams, ZStoreRowParams } from './booking.schemas.js';
import type { ServicesService } from './services.service.js';

export function servicesRouter(deps: {
  services: ServicesService;
  authorizeStore: AuthorizeStore<unknown>;
  openapi: OpenApiRegistry;
  limits?: Pick<RateLimits, 'perStoreKey'>;
}): Router {
  const { services, openapi } = deps;
  const router = Router();
  const storeKey = withLimit(requireStoreKey(deps.authorizeStore), deps.limits?.perStoreKey);
  const tag = 'services';
  const base = '/api/client/:storeId/services';

  openapi.add({ method: 'post', path: base, summary: 'Add a service: name, price in cents and currency, duration', tag, auth: 'store', params: ZStoreParams, body: ZServiceCreate, responses: { 201: ZService } });
  router.post(base, storeKey, async (req, res) => {
    const { storeId } = parseParams(ZStoreParams, req);
    const body = parseBody(ZServiceCreate, req);
    res.status(201).json(await services.create(storeId, body));
  });

  openapi.add({ method: 'get', path: base, summary: 'The store\'s services, oldest first, optionally only active or inactive ones', tag, auth: 'store', params: ZStoreParams, query: ZServiceListQuery, responses: { 200: ZServicePage } });
  router.get(base, storeKey, async (req, res) => {
    const { storeId } = parseParams(ZStoreParams, req);
    res.json(await services.list(storeId, parseQuery(ZServiceListQuery, req)));
  });

  openapi.add({ method: 'get', path: `${base}/:id`, summary: 'One service', tag, auth: 'store', params: ZStoreRowParams, responses: { 200: ZService } });
  router.get(`${base}/:id`, storeKey, async (req, res) => {
    const { storeId, id } = parseParams(ZStoreRowParams, req);
    res.json(await services.get(storeId, id));
  });

  openapi.add({ method: 'patch', path: `${base}/:id`, summary: 'Change some fields of a service (active: false takes it off the booking list)', tag, auth: 'store', params: ZStoreRowParams, body: ZServicePatch, responses: { 200: ZService } });
  router.patch(`${base}/:id`, storeKey, async (req, res) => {
    const { storeId, id } = parseParams(ZStoreRowParams, req);
    const patch = parseBody(ZServicePatch, req);
    res.json(await services.update(storeId, id, patch));
  });

  openapi.add({ method: 'delete', path: `${base}/:id`, summary: 'Delete a service no appointment uses (409 otherwise: deactivate it instead)', tag, auth: 'store', params: ZStoreRowParams, responses: { 204: undefined } });
  router.delete(`${base}/:id`, storeKey, async (req, res) => {
    const { storeId, id } = parseParams(ZStoreRowParams, req);
    await services.remove(storeId, id);
    res.status(204).end();
  });

  return router;
}
