// A contact's AI context snapshot on demand (the profile page's "refresh summary").
import { Router } from 'express';
import { requireStoreKey, type AuthorizeStore } from '../http/auth.js';
import type { OpenApiRegistry } from '../http/openapi.js';
import { withLimit, type RateLimits } from '../http/rate-limits.js';
import { parseBody, parseParams } from '../http/validate.js';
import { ZStoreContactParams } from './bot.schemas.js';
import type { SnapshotsService } from './snapshots.service.js';
import { ZSnapshot, ZSnapshotBody } from './snapshots.schemas.js';

export function snapshotsRouter(deps: { snapshots: SnapshotsService; authorizeStore: AuthorizeStore<unknown>; openapi: OpenApiRegistry; limits?: Pick<RateLimits, 'perStoreKey'> }): Router {
  const { snapshots, openapi } = deps;
  const router = Router();
  const storeKey = withLimit(requireStoreKey(deps.authorizeStore), deps.limits?.perStoreKey);
  const path = '/api/client/:storeId/contacts/:id/snapshot';

  openapi.add({
    method: 'post',
    path,
    summary:
      'Summarize a contact with the LLM (summary + flags): 201 with a new snapshot; 200 with the latest when it is under 12 hours old and `force` is not set; ' +
      '409 when the LLM is not configured or the month’s budget is spent (details.reason); 503 when the model failed or answered badly',
    tag: 'bot',
    auth: 'store',
    params: ZStoreContactParams,
    body: ZSnapshotBody,
    responses: { 200: ZSnapshot, 201: ZSnapshot },
  });
  router.post(path, storeKey, async (req, res) => {
    const { storeId, id } = parseParams(ZStoreContactParams, req);
    const { force, conversationId } = parseBody(ZSnapshotBody, req);
    const { snapshot, created } = await snapshots.generate(storeId, id, { reason: 'manual', force, conversationId });
    res.status(created ? 201 : 200).json(snapshot);
  });

  return router;
}
