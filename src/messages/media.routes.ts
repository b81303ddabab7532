// GET /api/client/:storeId/messages/:id/media: the bytes of an inbound message's media.
import { Router } from 'express';
import { z } from 'zod';
import { requireStoreKey, type AuthorizeStore } from '../http/auth.js';
import type { OpenApiRegistry } from '../http/openapi.js';
import { withLimit, type RateLimits } from '../http/rate-limits.js';
import { parseParams } from '../http/validate.js';
import { ZStoreId } from '../kernel/index.js';
import type { MediaService } from './media.service.js';

export const ZMessageParams = z.object({ storeId: ZStoreId, id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a message id') }).strict();

/** Types a browser may show in place; anything else (html, svg, pdf…) is a download, never rendered at the API's origin. */
const INLINE = /^(image\/(jpeg|png|webp|gif)|audio\/|video\/)/;

export function mediaRouter(deps: { media: MediaService; authorizeStore: AuthorizeStore<unknown>; openapi: OpenApiRegistry; limits?: Pick<RateLimits, 'perStoreKey'> }): Router {
  const router = Router();
  const storeKey = withLimit(requireStoreKey(deps.authorizeStore), deps.limits?.perStoreKey);
  const path = '/api/client/:storeId/messages/:id/media';

  deps.openapi.add({
    method: 'get',
    path,
    summary: "An inbound message's media bytes (Content-Type as sent; ETag and X-Content-SHA256 carry the sha256); 404 while not stored",
    tag: 'inbox',
    auth: 'store',
    params: ZMessageParams,
    responses: { 200: undefined },
  });
  router.get(path, storeKey, async (req, res) => {
    const { storeId, id } = parseParams(ZMessageParams, req);
    const file = await deps.media.read(storeId, id);
    const etag = `"${file.sha256}"`;
    res.set({
      'Content-Type': file.mimetype,
      ETag: etag,
      'X-Content-SHA256': file.sha256,
      'Cache-Control': 'private, max-age=86400',
      'Content-Security-Policy': "default-src 'none'; sandbox",
      'Content-Disposition': INLINE.test(file.mimetype) ? 'inline' : 'attachment',
    });
    if (req.headers['if-none-match'] === etag) return void res.status(304).end();
    res.set('Content-Length', String(file.data.length)).end(file.data);
  });
  return router;
}
