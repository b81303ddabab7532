// Two kinds of caller: the operator (DRIN_API_KEY, /api/admin) and a store (its own apiKey, only
// on paths with its :storeId). Route files put these in front of their handlers.
import type { RequestHandler, Response } from 'express';
import type { StoresService } from '../stores/stores.service.js';
import type { TStoreView } from '../stores/stores.schemas.js';
import { ZStoreId } from '../stores/stores.schemas.js';
import { constantTimeEqual } from '../security/secrets.js';
import { bearerToken } from './bearer.js';
import { AppError, ErrorCode } from './errors.js';

export function requireAdmin(adminApiKey: string): RequestHandler {
  return (req, _res, next) => {
    const token = bearerToken(req);
    if (!token || !constantTimeEqual(token, adminApiKey)) {
      throw new AppError(ErrorCode.UNAUTHORIZED, 'Missing or invalid admin key');
    }
    req.log = req.log.child({ actor: 'admin' });
    next();
  };
}

/** Authorizes the bearer key for the :storeId in the path and leaves the store in res.locals. */
export function requireStoreKey(stores: StoresService): RequestHandler {
  return async (req, res, next) => {
    const storeId = ZStoreId.parse(req.params.storeId);
    const store = await stores.authorize(storeId, bearerToken(req));
    res.locals.store = store;
    req.log = req.log.child({ storeId });
    next();
  };
}

export function storeOf(res: Response): TStoreView {
  const store = res.locals.store as TStoreView | undefined;
  if (!store) throw new AppError(ErrorCode.INTERNAL, 'Route is missing requireStoreKey');
  return store;
}

export function auditContext(req: { ip?: string; id: unknown }, actor: 'admin' | 'store') {
  return { actor, ip: req.ip, requestId: String(req.id) };
}
