// HTTP only: validate, call one service function, shape the reply.
import { Router } from 'express';
import { auditContext, requireAdmin, requireStoreKey, storeOf } from '../http/auth.js';
import type { OpenApiRegistry } from '../http/openapi.js';
import { withLimit, type RateLimits } from '../http/rate-limits.js';
import { parseBody, parseParams, parseQuery } from '../http/validate.js';
import type { StoresService } from './stores.service.js';
import { ZCreateStoreBody, ZListStoresQuery, ZStoreList, ZStoreParams, ZStoreView, ZStoreWithKey, type TStoreView } from './stores.schemas.js';

/** A response carrying a key is kept by no cache: not the browser's, not a proxy's. */
const NO_STORE = { 'Cache-Control': 'no-store' };

export function storesRouter(deps: { stores: StoresService; adminApiKey: string; openapi: OpenApiRegistry; limits?: Pick<RateLimits, 'perStoreKey'> }): Router {
  const { stores, openapi } = deps;
  const router = Router();
  const admin = requireAdmin(deps.adminApiKey);
  const storeKey = withLimit(requireStoreKey(stores.authorize), deps.limits?.perStoreKey);
  const tag = 'stores';

  openapi.add({ method: 'post', path: '/api/admin/stores', summary: 'Create a store; its apiKey is shown once', tag, auth: 'admin', body: ZCreateStoreBody, responses: { 201: ZStoreWithKey } });
  router.post('/api/admin/stores', admin, async (req, res) => {
    const body = parseBody(ZCreateStoreBody, req);
    const created = await stores.create(body.name, auditContext(req, 'admin'));
    res.status(201).set(NO_STORE).json(created);
  });

  openapi.add({ method: 'get', path: '/api/admin/stores', summary: 'List stores', tag, auth: 'admin', query: ZListStoresQuery, responses: { 200: ZStoreList } });
  router.get('/api/admin/stores', admin, async (req, res) => {
    const query = parseQuery(ZListStoresQuery, req);
    res.json(await stores.list(query.limit, query.cursor));
  });

  openapi.add({ method: 'get', path: '/api/admin/stores/:storeId', summary: 'Get a store', tag, auth: 'admin', params: ZStoreParams, responses: { 200: ZStoreView } });
  router.get('/api/admin/stores/:storeId', admin, async (req, res) => {
    const { storeId } = parseParams(ZStoreParams, req);
    res.json(await stores.get(storeId));
  });

  openapi.add({ method: 'post', path: '/api/admin/stores/:storeId/rotate-key', summary: 'Issue a new apiKey; the old one stops working at once', tag, auth: 'admin', params: ZStoreParams, responses: { 200: ZStoreWithKey } });
  router.post('/api/admin/stores/:storeId/rotate-key', admin, async (req, res) => {
    const { storeId } = parseParams(ZStoreParams, req);
    const rotated = await stores.rotateKey(storeId, auditContext(req, 'admin'));
    res.set(NO_STORE).json(rotated);
  });

  openapi.add({ method: 'delete', path: '/api/admin/stores/:storeId', summary: 'Delete a store and everything it owns', tag, auth: 'admin', params: ZStoreParams, responses: { 204: undefined } });
  router.delete('/api/admin/stores/:storeId', admin, async (req, res) => {
    const { storeId } = parseParams(ZStoreParams, req);
    await stores.remove(storeId, auditContext(req, 'admin'));
    res.status(204).end();
  });

  openapi.add({ method: 'get', path: '/api/stores/:storeId', summary: 'The store as its own key sees it', tag, auth: 'store', params: ZStoreParams, responses: { 200: ZStoreView } });
  router.get('/api/stores/:storeId', storeKey, (_req, res) => {
    res.json(storeOf<TStoreView>(res));
  });

  return router;
}
