// GET /metrics in Prometheus' text format. With METRICS_TOKEN set, only a request bearing it;
// without, only a client on this machine (req.ip, so behind a trusted Nginx the real client's
// address counts, not Nginx's).
import { isIP } from 'node:net';
import { Router } from 'express';
import type { OpenApiRegistry } from '../http/openapi.js';
import { AppError, ErrorCode } from '../kernel/index.js';
import { constantTimeEqual } from '../security/secrets.js';
import type { Metrics } from './metrics.service.js';

/** 127.0.0.0/8 or ::1, an IPv4-mapped address as the IPv4 one it carries. */
function isLoopback(ip: string | undefined): boolean {
  const address = ip?.replace(/^::ffff:/i, '') ?? '';
  return address === '::1' || (isIP(address) === 4 && address.startsWith('127.'));
}

export function metricsRouter(deps: { metrics: Metrics; token: string | undefined; openapi: OpenApiRegistry }): Router {
  const router = Router();
  deps.openapi.add({ method: 'get', path: '/metrics', summary: 'Prometheus metrics (text format): METRICS_TOKEN as a Bearer token, or from this machine when none is set', tag: 'operations', auth: 'none', responses: { 200: undefined } });
  router.get('/metrics', async (req, res) => {
    if (deps.token) {
      const given = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1] ?? '';
      if (!constantTimeEqual(given, deps.token)) throw new AppError(ErrorCode.UNAUTHORIZED, 'Metrics need the METRICS_TOKEN as a Bearer token');
    } else if (!isLoopback(req.ip)) {
      throw new AppError(ErrorCode.FORBIDDEN, 'Metrics are served only to this machine unless METRICS_TOKEN is set');
    }
    res.set('Content-Type', deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  return router;
}
