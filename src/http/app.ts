// Builds the Express app without listening, so tests drive it in-process and daemon.ts owns the
// server's lifetime. It knows no domain: the composition root hands it the domain routers.
import { randomUUID } from 'node:crypto';
import cors from 'cors';
import express, { type Express, type Request, type RequestHandler, type Router } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { redactUrl } from '../logging/logger.js';
import { apiDocsRouter } from './api-docs.js';
import { createErrorMiddleware, errorMiddleware, notFoundHandler, type ErrorBody } from './error-middleware.js';
import { OpenApiRegistry } from './openapi.js';
import type { RateLimits } from './rate-limits.js';

/** A domain's routes; it registers each route's contract in the OpenAPI registry it is given. */
export type MountRoutes = (openapi: OpenApiRegistry) => Router;

export interface AppDeps {
  logger: Logger;
  version: string;
  corsOrigins: string[];
  bodyLimit: string;
  /** Routes that take a larger JSON body than bodyLimit (a send carrying base64 media). */
  largeBodies?: { paths: string[]; limit: string };
  trustProxy: string;
  routes: MountRoutes[];
  /** Pages outside the API (the operator console): not in the OpenAPI document. */
  pages?: Router[];
  /** Run on every request before any route (the metrics' request timer). */
  beforeRoutes?: RequestHandler[];
  /** Paths whose errors answer in another API's shape (the Evolution compatibility routes): its clients parse them. */
  errorShapes?: { path: string; body: ErrorBody }[];
  /** createRateLimits(…); absent in tests that are not about limits. */
  rateLimits?: RateLimits;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The exact bytes of a JSON body, as received: signed webhooks (src/channels) are verified over
 * them, never over a re-serialized req.body. Kept by express.json's `verify` hook below.
 */
export function rawBodyOf(req: Request): Buffer | undefined {
  return (req as Request & { rawBody?: Buffer }).rawBody;
}
const keepRawBody = (req: object, _res: unknown, buf: Buffer) => Object.assign(req, { rawBody: buf });

export function buildApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // Behind Nginx: req.ip is the client's, from X-Forwarded-For, only when the proxy is trusted.
  app.set('trust proxy', deps.trustProxy);

  app.use(
    pinoHttp({
      logger: deps.logger,
      // A caller's x-request-id is kept (when sane) so a trace spans the dashboard and us.
      genReqId: (req, res) => {
        const incoming = req.headers['x-request-id'];
        const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
        res.setHeader('x-request-id', id);
        return id;
      },
      customProps: (req) => ({ requestId: req.id }),
      serializers: {
        // Only what an operator needs; headers (authorization!) stay out of the log entirely.
        req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: redactUrl(req.url) }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      // SSE, health probes and metric scrapes would flood the log; failures are still logged by the error middleware.
      autoLogging: { ignore: (req) => req.url === '/health' || req.url === '/metrics' || req.url?.endsWith('/events') === true },
    }),
  );
  for (const handler of deps.beforeRoutes ?? []) app.use(handler);
  app.use(helmet());
  app.use(
    cors({
      origin: deps.corsOrigins.length ? deps.corsOrigins : false,
      // Retry-After is not CORS-safelisted: the dashboard could not read a 429's wait otherwise.
      exposedHeaders: ['x-request-id', 'retry-after'],
      maxAge: 600,
    }),
  );
  // A parsed body is not parsed again: the larger limit applies on its paths only.
  if (deps.largeBodies) app.use(deps.largeBodies.paths, express.json({ limit: deps.largeBodies.limit, strict: true }));
  app.use(express.json({ limit: deps.bodyLimit, strict: true, verify: keepRawBody }));

  const limits = deps.rateLimits;
  if (limits) {
    // An address that guessed keys is refused before its next key is even looked at.
    app.use(['/api', '/evolution'], limits.failedAuth);
    app.use('/api/admin', limits.admin);
    app.use(['/api/stores', '/api/whatsapp', '/api/client', '/api/mcp', '/evolution'], limits.perIp);
  }

  const openapi = new OpenApiRegistry();
  for (const mount of deps.routes) app.use(mount(openapi));

  const document = openapi.document({ title: 'Drin WhatsApp session engine', version: deps.version });
  app.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  app.use(apiDocsRouter());
  for (const page of deps.pages ?? []) app.use(page);

  app.use(notFoundHandler);
  if (limits) app.use(limits.recordFailedAuth);
  // A body that is not JSON fails before any router: its path still picks the shape.
  for (const shape of deps.errorShapes ?? []) app.use(shape.path, createErrorMiddleware(shape.body));
  app.use(errorMiddleware);
  return app;
}
