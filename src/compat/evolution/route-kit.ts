// What every Evolution router shares: paths under /evolution, each route documented in the
// OpenAPI document's evolution tag with Evolution's error shape, the caller for the audit row, the
// instance named in the path or acted on by its token, and the 405 for a known path asked with
// another method (the 501 for an unknown one is index.ts's, after every router).
import type { Request, Router } from 'express';
import { auditContext } from '../../http/auth.js';
import type { OpenApiRegistry, RouteContract } from '../../http/openapi.js';
import { parseParams } from '../../http/validate.js';
import { AppError, ErrorCode } from '../../kernel/index.js';
import { callerOf } from './evolution-auth.js';
import { ZEvolutionError, ZInstanceParams } from './evolution.schemas.js';
import type { InstanceRow } from './instances.repo.js';

export const EVOLUTION_BASE = '/evolution';

export function routeKit(router: Router, openapi: OpenApiRegistry) {
  const answered: string[] = [];
  const path = (p: string) => `${EVOLUTION_BASE}${p}`;
  return {
    path,
    /** Registers the route's contract; answers its full path. */
    document(route: Omit<RouteContract, 'tag' | 'auth' | 'errorBody'>): string {
      answered.push(path(route.path));
      openapi.add({ ...route, path: path(route.path), tag: 'evolution', auth: 'evolution', errorBody: ZEvolutionError });
      return path(route.path);
    },
    /** Who is acting, for the audit row: the operator's global key, or a store's instance token. */
    by: (req: Request) => auditContext(req, callerOf(req.res!).kind === 'global' ? 'admin' : 'store'),
    named: (req: Request) => parseParams(ZInstanceParams, req).instanceName,
    /** An acting route's instance: the token's own (the `act` guard checked it is the path's). */
    own(req: Request): InstanceRow {
      parseParams(ZInstanceParams, req);
      const caller = callerOf(req.res!);
      if (caller.kind !== 'instance') throw new AppError(ErrorCode.INTERNAL, 'An acting route without an instance token');
      return caller.instance;
    },
    /** After the routes: their paths asked with another method are a 405, not a 501. */
    finish(): Router {
      router.use(answered, (req, _res, next) => next(new AppError(ErrorCode.METHOD_NOT_ALLOWED, `${req.method} is not how ${req.originalUrl.split('?')[0]} is called`)));
      return router;
    },
  };
}
