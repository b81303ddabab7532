// GET /api/client/:storeId/audit (the store's own trail, store key) and GET /api/admin/audit
// (every store's, and actions on no store; admin key): filter by action and time, newest first.
import { Router } from 'express';
import { requireAdmin, requireStoreKey, type AuthorizeStore } from '../http/auth.js';
import type { OpenApiRegistry } from '../http/openapi.js';
import { withLimit, type RateLimits } from '../http/rate-limits.js';
import { parseParams, parseQuery } from '../http/validate.js';
import { AppError, ErrorCode } from '../kernel/index.js';
import type { AuditQuery, AuditRepo, AuditRow } from './audit.repo.js';
import { ZAdminAuditQuery, ZAuditPage, ZAuditQuery, ZStoreParams, type TAuditEntry } from './audit.schemas.js';

const view = (r: AuditRow): TAuditEntry => ({
  id: r.id, at: r.createdAt.toISOString(), storeId: r.storeId, actor: r.actor, action: r.action, resourceType: r.resourceType,
  resourceId: r.resourceId, data: r.data, ip: r.ip, userAgent: r.userAgent, requestId: r.requestId,
});

export function auditRouter(deps: { audit: AuditRepo; adminApiKey: string; authorizeStore: AuthorizeStore<unknown>; openapi: OpenApiRegistry; limits?: Pick<RateLimits, 'perStoreKey'> }): Router {
  const { audit, openapi } = deps;
  const router = Router();
  const tag = 'audit';

  async function page(q: Omit<AuditQuery, 'before'> & { before?: string }) {
    const before = q.before ? await audit.entry(q.before) : undefined;
    if (q.before && !before) throw new AppError(ErrorCode.VALIDATION_FAILED, 'before names no audit entry', [{ path: ['before'], message: 'no such entry' }]);
    const rows = await audit.list({ ...q, before: before ?? undefined });
    return { entries: rows.map(view), nextBefore: rows.length === q.limit ? rows.at(-1)!.id : null };
  }
  const times = (q: { from?: string; to?: string }) => ({ from: q.from ? new Date(q.from) : undefined, to: q.to ? new Date(q.to) : undefined });

  openapi.add({ method: 'get', path: '/api/client/:storeId/audit', summary: 'The store\'s audit trail: who changed what (actor, IP, user agent), newest first', tag, auth: 'store', params: ZStoreParams, query: ZAuditQuery, responses: { 200: ZAuditPage } });
  router.get('/api/client/:storeId/audit', withLimit(requireStoreKey(deps.authorizeStore), deps.limits?.perStoreKey), async (req, res) => {
    const { storeId } = parseParams(ZStoreParams, req);
    const q = parseQuery(ZAuditQuery, req);
    res.json(await page({ ...q, ...times(q), storeId }));
  });

  openapi.add({ method: 'get', path: '/api/admin/audit', summary: 'Every store\'s audit trail (and actions on no store), newest first', tag, auth: 'admin', query: ZAdminAuditQuery, responses: { 200: ZAuditPage } });
  router.get('/api/admin/audit', requireAdmin(deps.adminApiKey), async (req, res) => {
    const q = parseQuery(ZAdminAuditQuery, req);
    res.json(await page({ ...q, ...times(q) }));
  });

  return router;
}
