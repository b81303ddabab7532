// GET the dashboard home's counts.
import { Router } from 'express';
import { requireStoreKey, type AuthorizeStore } from '../http/auth.js';
import type { OpenApiRegistry } from '../http/openapi.js';
import { withLimit, type RateLimits } from '../http/rate-limits.js';
import { parseParams } from '../http/validate.js';
import { ZStoreParams } from '../kernel/index.js';
import type { SummaryService } from './summary.service.js';
import { ZSummary } from './summary.schemas.js';

export function summaryRouter(deps: { summary: SummaryService; authorizeStore: AuthorizeStore<unknown>; openapi: OpenApiRegistry; limits?: Pick<RateLimits, 'perStoreKey'> }): Router {
  const router = Router();
  const storeKey = withLimit(requireStoreKey(deps.authorizeStore), deps.limits?.perStoreKey);
  const path = '/api/client/:storeId/summary';
  deps.openapi.add({ method: 'get', path, summary: 'The dashboard home: today’s appointments, open conversations, unread messages, today’s traffic', tag: 'summary', auth: 'store', params: ZStoreParams, responses: { 200: ZSummary } });
  router.get(path, storeKey, async (req, res) => {
    const { storeId } = parseParams(ZStoreParams, req);
    res.json(await deps.summary.summary(storeId));
  });
  return router;
}
