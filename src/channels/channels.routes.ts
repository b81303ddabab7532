// The other channels over HTTP: the store's channel settings (store key), and the two webhooks the
// store's n8n calls — public routes whose only credential is the Standard Webhooks signature
// (webhook-id, webhook-timestamp, webhook-signature) over the raw body, made with the store's
// channel secret. The signature is checked before the body is even read.
import { Router, type Request } from 'express';
import { rawBodyOf } from '../http/app.js';
import { auditContext, requireStoreKey, type AuthorizeStore } from '../http/auth.js';
import { ZErrorBody, type OpenApiRegistry } from '../http/openapi.js';
import { withLimit, type RateLimits } from '../http/rate-limits.js';
import { parseBody, parseParams } from '../http/validate.js';
import type { ChannelsService, SignedRequest } from './channels.service.js';
import {
  ZChannelSecret,
  ZChannelSettings,
  ZChannelSettingsPatch,
  ZInboundMessage,
  ZInboundParams,
  ZInboundResult,
  ZStatusCallback,
  ZStatusResult,
  ZStoreParams,
} from './channels.schemas.js';

/** A response carrying the secret is kept by no cache. */
const NO_STORE = { 'Cache-Control': 'no-store' };

const SIGNATURE_HEADERS = ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const;

function signed(req: Request): SignedRequest {
  const headers = Object.fromEntries(SIGNATURE_HEADERS.map((h) => [h, req.get(h)]));
  return { rawBody: rawBodyOf(req)?.toString('utf8') ?? '', headers };
}

export function channelsRouter(deps: {
  channels: ChannelsService;
  authorizeStore: AuthorizeStore<unknown>;
  openapi: OpenApiRegistry;
  limits?: Pick<RateLimits, 'perStoreKey'>;
}): Router {
  const { channels, openapi } = deps;
  const router = Router();
  const storeKey = withLimit(requireStoreKey(deps.authorizeStore), deps.limits?.perStoreKey);
  const tag = 'channels';
  const base = '/api/client/:storeId/channels';

  openapi.add({ method: 'get', path: base, summary: 'The store\'s other channels: outbound URL, the secret\'s last four characters, and where n8n posts', tag, auth: 'store', params: ZStoreParams, responses: { 200: ZChannelSettings } });
  router.get(base, storeKey, async (req, res) => {
    const { storeId } = parseParams(ZStoreParams, req);
    res.json(await channels.settings(storeId));
  });

  openapi.add({ method: 'patch', path: base, summary: 'Set (or remove, with null) the outbound URL messages on other channels are POSTed to: https, not a private address', tag, auth: 'store', params: ZStoreParams, body: ZChannelSettingsPatch, responses: { 200: ZChannelSettings } });
  router.patch(base, storeKey, async (req, res) => {
    const { storeId } = parseParams(ZStoreParams, req);
    const { outboundUrl } = parseBody(ZChannelSettingsPatch, req);
    res.json(await channels.updateSettings(storeId, outboundUrl, auditContext(req, 'store')));
  });

  openapi.add({ method: 'post', path: `${base}/secret`, summary: 'Make or replace the channel secret (Standard Webhooks, whsec_…): shown only in this answer, the old one stops at once', tag, auth: 'store', params: ZStoreParams, responses: { 200: ZChannelSecret } });
  router.post(`${base}/secret`, storeKey, async (req, res) => {
    const { storeId } = parseParams(ZStoreParams, req);
    res.set(NO_STORE).json(await channels.replaceSecret(storeId, auditContext(req, 'store')));
  });

  const signature = 'Signed with the store\'s channel secret (Standard Webhooks headers webhook-id, webhook-timestamp, webhook-signature, over the raw body; at most 5 minutes old)';

  const inbound = '/api/webhooks/inbound/:storeId/:channel';
  openapi.add({ method: 'post', path: inbound, summary: `A message received on another channel (from n8n), stored once per externalId. ${signature}`, tag, auth: 'none', params: ZInboundParams, body: ZInboundMessage, responses: { 200: ZInboundResult, 401: ZErrorBody } });
  router.post(inbound, async (req, res) => {
    const { storeId, channel } = parseParams(ZInboundParams, req);
    await channels.verify(storeId, signed(req));
    res.json(await channels.receive(storeId, channel, parseBody(ZInboundMessage, req)));
  });

  const status = '/api/webhooks/status/:storeId';
  openapi.add({ method: 'post', path: status, summary: `A delivery status of a message sent on another channel (from n8n); statuses only move forward. ${signature}`, tag, auth: 'none', params: ZStoreParams, body: ZStatusCallback, responses: { 200: ZStatusResult, 401: ZErrorBody, 404: ZErrorBody } });
  router.post(status, async (req, res) => {
    const { storeId } = parseParams(ZStoreParams, req);
    await channels.verify(storeId, signed(req));
    res.json(await channels.applyStatus(storeId, parseBody(ZStatusCallback, req)));
  });

  return router;
}
