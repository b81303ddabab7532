// Two kinds of caller: the operator (DRIN_API_KEY, /api/admin) and a store (its own apiKey, only
// on paths with its :storeId). Route files put these in front of their handlers; what a store
// key means is the stores domain's business, passed in as `authorize`.
import type { RequestHandler, Response } from 'express';
import { AppError, ErrorCode, ZStoreId } from '../kernel/index.js';
import { constantTimeEqual } from '../security/secrets.js';
import { bearerToken } from './bearer.js';

/** Resolves the caller of a store path, or throws 401 (no such key) / 403 (another store's key). */
export type AuthorizeStore<TStore> = (storeId: string, token: string | undefined) => Promise<TStore>;

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

/** Authorizes the bearer key for the :storeId in the path and leaves the caller in res.locals. */
export function requireStoreKey<TStore>(authorize: AuthorizeStore<TStore>): RequestHandler {
  return async (req, res, next) => {
    const storeId = ZStoreId.parse(req.params.storeId);
    res.locals.store = await authorize(storeId, bearerToken(req));
    req.log = req.log.child({ storeId });
    next();
  };
}

/** What requireStoreKey left for this request. */
export function storeOf<TStore>(res: Response): TStore {
  const store = res.locals.store as TStore | undefined;
  if (!store) throw new AppError(ErrorCode.INTERNAL, 'Route is missing requireStoreKey');
  return store;
}

export function auditContext(req: { ip?: string; id: unknown; get?(name: string): string | undefined }, actor: 'admin' | 'store') {
  const userAgent = req.get?.('user-agent')?.slice(0, 256);
  return { actor, ip: req.ip, requestId: String(req.id), ...(userAgent ? { userAgent } : {}) };
}
