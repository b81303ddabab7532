// /health is liveness (the process answers; what Nginx and PM2 probe), /ready is readiness
// (the database answers). A database outage must not make PM2 restart a healthy process.
import { Router } from 'express';
import { z } from 'zod';
import { AppError, ErrorCode } from '../kernel/index.js';
import type { OpenApiRegistry } from '../http/openapi.js';

export const ZHealth = z.object({ status: z.literal('ok'), version: z.string(), uptimeSeconds: z.number() });
export const ZReady = z.object({ status: z.literal('ready'), database: z.literal('ok') });

export function healthRouter(deps: { version: string; pingDatabase: () => Promise<void>; openapi: OpenApiRegistry }): Router {
  const router = Router();
  const tag = 'health';

  deps.openapi.add({ method: 'get', path: '/health', summary: 'Liveness', tag, auth: 'none', responses: { 200: ZHealth } });
  router.get('/health', (_req, res) => {
    res.json({ status: 'ok', version: deps.version, uptimeSeconds: Math.round(process.uptime()) });
  });

  deps.openapi.add({ method: 'get', path: '/ready', summary: 'Readiness: the database answers', tag, auth: 'none', responses: { 200: ZReady } });
  router.get('/ready', async (req, res) => {
    try {
      await deps.pingDatabase();
    } catch (err) {
      req.log.warn({ err }, 'readiness check: database unreachable');
      throw new AppError(ErrorCode.SERVICE_UNAVAILABLE, 'Database unreachable');
    }
    res.json({ status: 'ready', database: 'ok' });
  });

  return router;
}
