// HTTP for the /connections page: slots, QR, pairing code, commands, and a live event stream.
import { Router } from 'express';
import { auditContext, requireStoreKey, storeOf, type AuthorizeStore } from '../../http/auth.js';
import type { OpenApiRegistry } from '../../http/openapi.js';
import { withLimit, type RateLimits } from '../../http/rate-limits.js';
import { parseBody, parseParams, parseQuery } from '../../http/validate.js';
import type { SlotChangeFeed } from '../engine/index.js';
import type { SessionsService } from './sessions.service.js';
import { streamSlotEvents } from './slot-event-stream.js';
import {
  makeZSlotParams,
  ZCommandResult,
  ZPairingCodeBody,
  ZPairingCodeResult,
  ZQrQuery,
  ZQrView,
  ZSessionsList,
  ZSlotView,
  ZStartResult,
  ZStoreParamsOnly,
} from './sessions.schemas.js';

/** What the sessions routes need to know of the calling store. */
export interface StoreCaller {
  /** ISO instant the store's current key was issued (streams end when a newer one is). */
  keyRotatedAt: string;
}

export function sessionsRouter(deps: {
  sessions: SessionsService;
  authorizeStore: AuthorizeStore<StoreCaller>;
  feed: SlotChangeFeed;
  maxSlots: number;
  openapi: OpenApiRegistry;
  limits?: Pick<RateLimits, 'perStoreKey' | 'sessionStart' | 'eventStream'>;
}): Router {
  const { sessions, openapi } = deps;
  const router = Router();
  const storeKey = withLimit(requireStoreKey(deps.authorizeStore), deps.limits?.perStoreKey);
  // QR / pairing starts and event streams have limits of their own on top of the key's.
  const startKey = withLimit(storeKey, deps.limits?.sessionStart);
  const streamKey = withLimit(storeKey, deps.limits?.eventStream);
  const ZSlotParams = makeZSlotParams(deps.maxSlots);
  const tag = 'whatsapp sessions';
  const base = '/api/whatsapp/:storeId';

  openapi.add({ method: 'get', path: `${base}/sessions`, summary: 'Every slot of the store and its status', tag, auth: 'store', params: ZStoreParamsOnly, responses: { 200: ZSessionsList } });
  router.get(`${base}/sessions`, storeKey, async (req, res) => {
    const { storeId } = parseParams(ZStoreParamsOnly, req);
    res.json({ data: await sessions.list(storeId) });
  });

  openapi.add({ method: 'get', path: `${base}/events`, summary: 'Server-Sent Events: a `snapshot`, then a `slot` event on every status or QR change', tag, auth: 'store', params: ZStoreParamsOnly, responses: { 200: undefined } });
  router.get(`${base}/events`, streamKey, async (req, res) => {
    const { storeId } = parseParams(ZStoreParamsOnly, req);
    const { keyRotatedAt } = storeOf<StoreCaller>(res);
    streamSlotEvents(res, { storeId, keyIssuedAt: new Date(keyRotatedAt), sessions, feed: deps.feed, log: req.log });
  });

  openapi.add({ method: 'post', path: `${base}/:slot/start`, summary: 'Start the slot; waits briefly for the first QR (or says it is already connected)', tag, auth: 'store', params: ZSlotParams, responses: { 200: ZStartResult } });
  router.post(`${base}/:slot/start`, startKey, async (req, res) => {
    res.json(await sessions.start(parseParams(ZSlotParams, req), auditContext(req, 'store')));
  });

  openapi.add({ method: 'get', path: `${base}/:slot/status`, summary: 'One slot and its status', tag, auth: 'store', params: ZSlotParams, responses: { 200: ZSlotView } });
  router.get(`${base}/:slot/status`, storeKey, async (req, res) => {
    res.json(await sessions.get(parseParams(ZSlotParams, req)));
  });

  openapi.add({ method: 'get', path: `${base}/:slot/qr`, summary: 'The current QR (JSON with a PNG data URL, or ?format=png for the image)', tag, auth: 'store', params: ZSlotParams, query: ZQrQuery, responses: { 200: ZQrView } });
  router.get(`${base}/:slot/qr`, storeKey, async (req, res) => {
    const ref = parseParams(ZSlotParams, req);
    const { format } = parseQuery(ZQrQuery, req);
    const qr = await sessions.qr(ref);
    if (format === 'png') {
      res.type('png').set('Cache-Control', 'no-store').send(Buffer.from(qr.qrCode.split(',')[1] ?? '', 'base64'));
      return;
    }
    res.set('Cache-Control', 'no-store').json(qr);
  });

  openapi.add({ method: 'post', path: `${base}/:slot/pairing-code`, summary: 'Link by phone number instead of QR: returns the 8-character code to type on the phone', tag, auth: 'store', params: ZSlotParams, body: ZPairingCodeBody, responses: { 200: ZPairingCodeResult } });
  router.post(`${base}/:slot/pairing-code`, startKey, async (req, res) => {
    const ref = parseParams(ZSlotParams, req);
    const { phone } = parseBody(ZPairingCodeBody, req);
    res.json(await sessions.pairingCode(ref, phone, auditContext(req, 'store')));
  });

  const commands = {
    stop: { summary: 'Close the socket (the link stays; start resumes without a QR)', run: sessions.stop },
    restart: { summary: 'Rebuild the socket from the saved session', run: sessions.restart },
    logout: { summary: 'Unlink the device from the phone and wipe the slot session', run: sessions.logout },
  } as const;
  for (const [name, { summary, run }] of Object.entries(commands)) {
    openapi.add({ method: 'post', path: `${base}/:slot/${name}`, summary, tag, auth: 'store', params: ZSlotParams, responses: { 200: ZCommandResult } });
    router.post(`${base}/:slot/${name}`, storeKey, async (req, res) => {
      res.json({ success: true, status: await run(parseParams(ZSlotParams, req), auditContext(req, 'store')) });
    });
  }

  return router;
}
