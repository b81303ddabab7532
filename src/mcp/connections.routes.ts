// A store's service connections and their MCP tokens over HTTP (store key). Thin: parse, call the
// service, answer. A token is in one answer only (its creation), never cached.
import { Router } from 'express';
import { auditContext, requireStoreKey, type AuthorizeStore } from '../http/auth.js';
import type { OpenApiRegistry } from '../http/openapi.js';
import { withLimit, type RateLimits } from '../http/rate-limits.js';
import { parseBody, parseParams } from '../http/validate.js';
import type { ConnectionsService } from './connections.service.js';
import {
  ZConnection,
  ZConnectionCreate,
  ZConnectionList,
  ZConnectionParams,
  ZConnectionUpdate,
  ZProviderList,
  ZStoreParams,
  ZTokenCreate,
  ZTokenCreated,
  ZTokenList,
  ZTokenParams,
} from './connections.schemas.js';

const NO_STORE = { 'Cache-Control': 'no-store' };

export function connectionsRouter(deps: { connections: ConnectionsService; authorizeStore: AuthorizeStore<unknown>; openapi: OpenApiRegistry; limits?: Pick<RateLimits, 'perStoreKey'> }): Router {
  const { connections, openapi } = deps;
  const router = Router();
  const storeKey = withLimit(requireStoreKey(deps.authorizeStore), deps.limits?.perStoreKey);
  const tag = 'connections';
  const base = '/api/client/:storeId/connections';

  openapi.add({ method: 'get', path: '/api/client/:storeId/providers', summary: 'The providers a connection can be made for (whatsapp, crm, wordpress)', tag, auth: 'store', params: ZStoreParams, responses: { 200: ZProviderList } });
  router.get('/api/client/:storeId/providers', storeKey, (_req, res) => {
    res.json({ providers: connections.providers() });
  });

  openapi.add({ method: 'post', path: base, summary: 'Make a connection: a provider, a name, its config (checked by the provider) and secret (encrypted, never shown back)', tag, auth: 'store', params: ZStoreParams, body: ZConnectionCreate, responses: { 201: ZConnection } });
  router.post(base, storeKey, async (req, res) => {
    const { storeId } = parseParams(ZStoreParams, req);
    res.status(201).json(await connections.create(storeId, parseBody(ZConnectionCreate, req), auditContext(req, 'store')));
  });

  openapi.add({ method: 'get', path: base, summary: 'The store\'s connections (config, and the secret\'s field names only)', tag, auth: 'store', params: ZStoreParams, responses: { 200: ZConnectionList } });
  router.get(base, storeKey, async (req, res) => {
    const { storeId } = parseParams(ZStoreParams, req);
    res.json({ connections: await connections.list(storeId) });
  });

  openapi.add({ method: 'get', path: `${base}/:id`, summary: 'One connection', tag, auth: 'store', params: ZConnectionParams, responses: { 200: ZConnection } });
  router.get(`${base}/:id`, storeKey, async (req, res) => {
    const { storeId, id } = parseParams(ZConnectionParams, req);
    res.json(await connections.get(storeId, id));
  });

  openapi.add({ method: 'patch', path: `${base}/:id`, summary: 'Change a connection: name, status, or its whole config or secret', tag, auth: 'store', params: ZConnectionParams, body: ZConnectionUpdate, responses: { 200: ZConnection } });
  router.patch(`${base}/:id`, storeKey, async (req, res) => {
    const { storeId, id } = parseParams(ZConnectionParams, req);
    res.json(await connections.update(storeId, id, parseBody(ZConnectionUpdate, req), auditContext(req, 'store')));
  });

  openapi.add({ method: 'delete', path: `${base}/:id`, summary: 'Delete a connection; its tokens stop working at once', tag, auth: 'store', params: ZConnectionParams, responses: { 204: undefined } });
  router.delete(`${base}/:id`, storeKey, async (req, res) => {
    const { storeId, id } = parseParams(ZConnectionParams, req);
    await connections.remove(storeId, id, auditContext(req, 'store'));
    res.status(204).end();
  });

  openapi.add({ method: 'post', path: `${base}/:id/tokens`, summary: 'Make an MCP token for the connection: shown this once, kept as a hash', tag, auth: 'store', params: ZConnectionParams, body: ZTokenCreate, responses: { 201: ZTokenCreated } });
  router.post(`${base}/:id/tokens`, storeKey, async (req, res) => {
    const { storeId, id } = parseParams(ZConnectionParams, req);
    res.status(201).set(NO_STORE).json(await connections.createToken(storeId, id, parseBody(ZTokenCreate, req), auditContext(req, 'store')));
  });

  openapi.add({ method: 'get', path: `${base}/:id/tokens`, summary: 'The connection\'s tokens: last four characters, expiry, revocation, last use', tag, auth: 'store', params: ZConnectionParams, responses: { 200: ZTokenList } });
  router.get(`${base}/:id/tokens`, storeKey, async (req, res) => {
    const { storeId, id } = parseParams(ZConnectionParams, req);
    res.json({ tokens: await connections.listTokens(storeId, id) });
  });

  openapi.add({ method: 'delete', path: `${base}/:id/tokens/:tokenId`, summary: 'Revoke a token: refused (401) from its next request on', tag, auth: 'store', params: ZTokenParams, responses: { 204: undefined } });
  router.delete(`${base}/:id/tokens/:tokenId`, storeKey, async (req, res) => {
    const { storeId, id, tokenId } = parseParams(ZTokenParams, req);
    await connections.revokeToken(storeId, id, tokenId, auditContext(req, 'store'));
    res.status(204).end();
  });

  return router;
}
