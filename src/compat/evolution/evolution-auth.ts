// Evolution's `apikey` header, with Drin's rule on top: the global key (DRIN_API_KEY) creates,
// lists and manages instances; an instance's own token acts on that instance alone; and what
// acts on a store's WhatsApp and data (sends, chats, webhooks) takes the instance token only, so
// the operator's key never has to sit in a store's n8n.
import type { Request, RequestHandler, Response } from 'express';
import { AppError, ErrorCode } from '../../kernel/index.js';
import { constantTimeEqual, hmacHex } from '../../security/secrets.js';
import type { InstanceRow, InstancesRepo } from './instances.repo.js';

export type EvolutionCaller = { kind: 'global' } | { kind: 'instance'; instance: InstanceRow };

export interface EvolutionAuth {
  /** The global key only (create). */
  global: RequestHandler;
  /** Either key (fetchInstances: an instance token sees its own instance). */
  any: RequestHandler;
  /** The instance in the path: the global key, or that instance's own token. */
  manage: RequestHandler;
  /** The instance in the path, its own token only. */
  act: RequestHandler;
}

export const tokenHashOf = (pepper: Buffer, token: string): string => hmacHex(pepper, token);

export function callerOf(res: Response): EvolutionCaller {
  const caller = res.locals.evolutionCaller as EvolutionCaller | undefined;
  if (!caller) throw new AppError(ErrorCode.INTERNAL, 'Route is missing the Evolution apikey check');
  return caller;
}

export function createEvolutionAuth(deps: { adminApiKey: string; tokenPepper: Buffer; instances: Pick<InstancesRepo, 'byTokenHash'> }): EvolutionAuth {
  async function resolve(req: Request): Promise<EvolutionCaller> {
    const key = req.get('apikey');
    if (!key) throw new AppError(ErrorCode.UNAUTHORIZED, 'Missing apikey header');
    if (constantTimeEqual(key, deps.adminApiKey)) return { kind: 'global' };
    const instance = await deps.instances.byTokenHash(tokenHashOf(deps.tokenPepper, key));
    if (!instance) throw new AppError(ErrorCode.UNAUTHORIZED, 'Invalid apikey');
    return { kind: 'instance', instance };
  }

  const guard = (check: (caller: EvolutionCaller, req: Request) => void): RequestHandler => async (req, res, next) => {
    const caller = await resolve(req);
    check(caller, req);
    res.locals.evolutionCaller = caller;
    req.log = req.log.child(caller.kind === 'global' ? { actor: 'admin' } : { storeId: caller.instance.storeId, slot: caller.instance.slot, instance: caller.instance.name });
    next();
  };
  const ownInstance = (caller: EvolutionCaller, req: Request) => {
    if (caller.kind === 'instance' && caller.instance.name !== req.params.instanceName) throw new AppError(ErrorCode.FORBIDDEN, 'This token belongs to another instance');
  };

  return {
    global: guard((caller) => {
      if (caller.kind !== 'global') throw new AppError(ErrorCode.FORBIDDEN, 'Only the global API key may do this');
    }),
    any: guard(() => {}),
    manage: guard(ownInstance),
    act: guard((caller, req) => {
      if (caller.kind === 'global') throw new AppError(ErrorCode.FORBIDDEN, "Use the instance's own token (create's hash) here, not the global API key");
      ownInstance(caller, req);
    }),
  };
}
