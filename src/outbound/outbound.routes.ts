// The send API: queue a message (202, sent by the slot's owner), read one back with its statuses.
import { Router } from 'express';
import { requireStoreKey, type AuthorizeStore } from '../http/auth.js';
import type { OpenApiRegistry } from '../http/openapi.js';
import { withLimit, type RateLimits } from '../http/rate-limits.js';
import { parseBody, parseParams } from '../http/validate.js';
import type { OutboundService } from './outbound.service.js';
import { ZCheckNumbersBody, ZCheckNumbersResult, ZIdempotencyKey, ZMessageParams, ZPresenceBody, ZPresenceResult, ZSendAccepted, ZSendRequest, ZSendSettings, ZSendSettingsPatch, ZSentMessage, ZStoreParams } from './outbound.schemas.js';

export function outboundRouter(deps: {
  outbound: OutboundService;
  authorizeStore: AuthorizeStore<unknown>;
  openapi: OpenApiRegistry;
  limits?: Pick<RateLimits, 'perStoreKey'>;
}): Router {
  const { outbound, openapi } = deps;
  const router = Router();
  const storeKey = withLimit(requireStoreKey(deps.authorizeStore), deps.limits?.perStoreKey);
  const tag = 'messages';
  const base = '/api/whatsapp/:storeId/messages';

  openapi.add({ method: 'post', path: base, summary: 'Queue a message: sent in order by the slot\'s owner, within the send governor\'s limits (an Idempotency-Key header makes a retry safe)', tag, auth: 'store', params: ZStoreParams, body: ZSendRequest, responses: { 202: ZSendAccepted } });
  router.post(base, storeKey, async (req, res) => {
    const { storeId } = parseParams(ZStoreParams, req);
    const request = parseBody(ZSendRequest, req);
    const idempotencyKey = ZIdempotencyKey.parse(req.get('idempotency-key'));
    res.status(202).json(await outbound.send(storeId, request, idempotencyKey));
  });

  openapi.add({ method: 'get', path: `${base}/:id`, summary: 'A message with every status it went through', tag, auth: 'store', params: ZMessageParams, responses: { 200: ZSentMessage } });
  router.get(`${base}/:id`, storeKey, async (req, res) => {
    const { storeId, id } = parseParams(ZMessageParams, req);
    res.json(await outbound.message(storeId, id));
  });

  const checkPath = '/api/whatsapp/:storeId/check-numbers';
  openapi.add({ method: 'post', path: checkPath, summary: 'Which phone numbers are on WhatsApp, with the JID to send to', tag, auth: 'store', params: ZStoreParams, body: ZCheckNumbersBody, responses: { 200: ZCheckNumbersResult } });
  router.post(checkPath, storeKey, async (req, res) => {
    const { storeId } = parseParams(ZStoreParams, req);
    const body = parseBody(ZCheckNumbersBody, req);
    res.json(await outbound.checkNumbers(storeId, body));
  });

  const presencePath = '/api/whatsapp/:storeId/presence';
  openapi.add({ method: 'post', path: presencePath, summary: 'Show "typing…" or "recording audio…" in a chat (or end it), from the slot a send there would use', tag, auth: 'store', params: ZStoreParams, body: ZPresenceBody, responses: { 200: ZPresenceResult } });
  router.post(presencePath, storeKey, async (req, res) => {
    const { storeId } = parseParams(ZStoreParams, req);
    res.json(await outbound.showPresence(storeId, parseBody(ZPresenceBody, req)));
  });

  const settingsPath = '/api/whatsapp/:storeId/send-settings';
  openapi.add({ method: 'get', path: settingsPath, summary: 'The send governor\'s limits and the default country, defaults filled in', tag, auth: 'store', params: ZStoreParams, responses: { 200: ZSendSettings } });
  router.get(settingsPath, storeKey, async (req, res) => {
    const { storeId } = parseParams(ZStoreParams, req);
    res.json(await outbound.sendSettings(storeId));
  });

  openapi.add({ method: 'patch', path: settingsPath, summary: 'Change some send limits or the default country; the rest keep their values', tag, auth: 'store', params: ZStoreParams, body: ZSendSettingsPatch, responses: { 200: ZSendSettings } });
  router.patch(settingsPath, storeKey, async (req, res) => {
    const { storeId } = parseParams(ZStoreParams, req);
    const patch = parseBody(ZSendSettingsPatch, req);
    res.json(await outbound.updateSendSettings(storeId, patch));
  });

  return router;
}
