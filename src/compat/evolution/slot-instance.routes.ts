// Drin's side of the mapping: a store names one of its slots as an Evolution instance (its
// n8n or dashboard then calls /evolution/... with the instance's token), or stops answering
// Evolution for it. Drin's own paths, key and error shape: the store key on its :storeId.
import { Router } from 'express';
import { z } from 'zod';
import { auditContext, requireStoreKey, type AuthorizeStore } from '../../http/auth.js';
import type { OpenApiRegistry } from '../../http/openapi.js';
import { parseBody, parseParams } from '../../http/validate.js';
import { makeZSlotParams } from '../../whatsapp/sessions/index.js';
import { ZInstanceName, ZInstanceToken } from './evolution.schemas.js';
import type { InstancesService } from './instances.service.js';

const ZNameSlot = z.strictObject({
  instanceName: ZInstanceName,
  token: ZInstanceToken.optional().describe('the instance token; made (and shown once) when not given'),
});
const ZSlotInstance = z.object({ instanceName: z.string(), instanceId: z.string(), slot: z.number().int(), token: z.string().describe('shown in this answer only') });

export function slotInstanceRouter(deps: { instances: InstancesService; authorizeStore: AuthorizeStore<unknown>; maxSlots: number; openapi: OpenApiRegistry }): Router {
  const router = Router();
  const storeKey = requireStoreKey(deps.authorizeStore);
  const ZParams = makeZSlotParams(deps.maxSlots);
  const path = '/api/whatsapp/:storeId/:slot/evolution-instance';

  deps.openapi.add({ method: 'put', path, summary: 'Name this slot an Evolution API instance: /evolution/... then answers for it with the token shown here once', tag: 'evolution', auth: 'store', params: ZParams, body: ZNameSlot, responses: { 201: ZSlotInstance } });
  router.put(path, storeKey, async (req, res) => {
    const { storeId, slot } = parseParams(ZParams, req);
    const body = parseBody(ZNameSlot, req);
    res.status(201).set('Cache-Control', 'no-store').json(await deps.instances.nameSlot({ storeId, slot }, body, auditContext(req, 'store')));
  });

  deps.openapi.add({ method: 'delete', path, summary: 'Stop answering Evolution API calls for this slot (its token and Evolution webhook go; the slot stays linked)', tag: 'evolution', auth: 'store', params: ZParams, responses: { 204: undefined } });
  router.delete(path, storeKey, async (req, res) => {
    const { storeId, slot } = parseParams(ZParams, req);
    await deps.instances.unnameSlot({ storeId, slot }, auditContext(req, 'store'));
    res.status(204).end();
  });

  return router;
}
