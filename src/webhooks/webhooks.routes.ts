// A store's webhooks over HTTP (store key): registrations, a test call, the delivery log and
// replays. Thin: parse, call the service, answer.
import { Router } from 'express';
import { auditContext, requireStoreKey, type AuthorizeStore } from '../http/auth.js';
import type { OpenApiRegistry } from '../http/openapi.js';
import { withLimit, type RateLimits } from '../http/rate-limits.js';
import { parseBody, parseParams, parseQuery } from '../http/validate.js';
import type { WebhooksService } from './webhooks.service.js';
import {
  ZDelivery,
  ZDeliveryList,
  ZDeliveryParams,
  ZDeliveryQuery,
  ZReplayed,
  ZReplayRange,
  ZStoreParams,
  ZTestResult,
  ZWebhook,
  ZWebhookCreate,
  ZWebhookCreated,
  ZWebhookList,
  ZWebhookParams,
  ZWebhookUpdate,
} from './webhooks.schemas.js';

/** An answer carrying a secret is kept by no cache. */
const NO_STORE = { 'Cache-Control': 'no-store' };

export function webhooksRouter(deps: { webhooks: WebhooksService; authorizeStore: AuthorizeStore<unknown>; openapi: OpenApiRegistry; limits?: Pick<RateLimits, 'perStoreKey'> }): Router {
  const { webhooks, openapi } = deps;
  const router = Router();
  const storeKey = withLimit(requireStoreKey(deps.authorizeStore), deps.limits?.perStoreKey);
  const tag = 'webhooks';
  const base = '/api/client/:storeId/webhooks';

  openapi.add({ method: 'post', path: base, summary: 'Register a webhook: URL (https, public), events, optional secret (made and shown once if not given), extra headers, retry window', tag, auth: 'store', params: ZStoreParams, body: ZWebhookCreate, responses: { 201: ZWebhookCreated } });
  router.post(base, storeKey, async (req, res) => {
    const { storeId } = parseParams(ZStoreParams, req);
    const body = parseBody(ZWebhookCreate, req);
    res.status(201).set(NO_STORE).json(await webhooks.create(storeId, body, auditContext(req, 'store')));
  });

  openapi.add({ method: 'get', path: base, summary: 'The store\'s webhooks (no secret, header names only)', tag, auth: 'store', params: ZStoreParams, responses: { 200: ZWebhookList } });
  router.get(base, storeKey, async (req, res) => {
    const { storeId } = parseParams(ZStoreParams, req);
    res.json({ webhooks: await webhooks.list(storeId) });
  });

  openapi.add({ method: 'get', path: `${base}/:id`, summary: 'One webhook', tag, auth: 'store', params: ZWebhookParams, responses: { 200: ZWebhook } });
  router.get(`${base}/:id`, storeKey, async (req, res) => {
    const { storeId, id } = parseParams(ZWebhookParams, req);
    res.json(await webhooks.get(storeId, id));
  });

  openapi.add({ method: 'patch', path: `${base}/:id`, summary: 'Change a webhook (only the fields given); a new URL is checked again', tag, auth: 'store', params: ZWebhookParams, body: ZWebhookUpdate, responses: { 200: ZWebhook } });
  router.patch(`${base}/:id`, storeKey, async (req, res) => {
    const { storeId, id } = parseParams(ZWebhookParams, req);
    const body = parseBody(ZWebhookUpdate, req);
    res.json(await webhooks.update(storeId, id, body, auditContext(req, 'store')));
  });

  openapi.add({ method: 'delete', path: `${base}/:id`, summary: 'Delete a webhook and its delivery log', tag, auth: 'store', params: ZWebhookParams, responses: { 204: undefined } });
  router.delete(`${base}/:id`, storeKey, async (req, res) => {
    const { storeId, id } = parseParams(ZWebhookParams, req);
    await webhooks.remove(storeId, id, auditContext(req, 'store'));
    res.status(204).end();
  });

  openapi.add({ method: 'post', path: `${base}/:id/test`, summary: 'Send one signed webhook.test call now and say how the receiver answered', tag, auth: 'store', params: ZWebhookParams, responses: { 200: ZTestResult } });
  router.post(`${base}/:id/test`, storeKey, async (req, res) => {
    const { storeId, id } = parseParams(ZWebhookParams, req);
    res.json(await webhooks.test(storeId, id));
  });

  openapi.add({ method: 'get', path: `${base}/:id/deliveries`, summary: 'The hook\'s delivery log, newest first: status, attempts, last response, latency', tag, auth: 'store', params: ZWebhookParams, query: ZDeliveryQuery, responses: { 200: ZDeliveryList } });
  router.get(`${base}/:id/deliveries`, storeKey, async (req, res) => {
    const { storeId, id } = parseParams(ZWebhookParams, req);
    res.json({ deliveries: await webhooks.deliveries(storeId, id, parseQuery(ZDeliveryQuery, req)) });
  });

  openapi.add({ method: 'post', path: `${base}/:id/deliveries/:deliveryId/replay`, summary: 'Send a dead-lettered (or delivered) delivery again, under the same event id', tag, auth: 'store', params: ZDeliveryParams, responses: { 200: ZDelivery } });
  router.post(`${base}/:id/deliveries/:deliveryId/replay`, storeKey, async (req, res) => {
    const { storeId, id, deliveryId } = parseParams(ZDeliveryParams, req);
    res.json(await webhooks.replayOne(storeId, id, deliveryId));
  });

  openapi.add({ method: 'post', path: `${base}/:id/replay`, summary: 'Send again every delivery of a time range (dead-lettered by default)', tag, auth: 'store', params: ZWebhookParams, body: ZReplayRange, responses: { 200: ZReplayed } });
  router.post(`${base}/:id/replay`, storeKey, async (req, res) => {
    const { storeId, id } = parseParams(ZWebhookParams, req);
    res.json(await webhooks.replayRange(storeId, id, parseBody(ZReplayRange, req)));
  });

  return router;
}
