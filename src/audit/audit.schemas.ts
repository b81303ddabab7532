// The audit trail over HTTP: who changed what, newest first.
import { z } from 'zod';
import { ZRowId, ZStoreId } from '../kernel/index.js';

export { ZStoreParams } from '../kernel/index.js';

const ZAction = z.string().regex(/^[a-z_]+\.[a-z_]+$/, 'an action like webhook.created');

export const ZAuditQuery = z.strictObject({
  action: ZAction.optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: ZRowId.optional().describe('the last id of the previous page'),
});

export const ZAdminAuditQuery = ZAuditQuery.extend({ storeId: ZStoreId.optional() });

export const ZAuditEntry = z.object({
  id: z.string(),
  at: z.string(),
  storeId: z.string().nullable(),
  actor: z.string(),
  action: z.string(),
  resourceType: z.string(),
  resourceId: z.string().nullable(),
  data: z.unknown().describe('what changed, never a secret'),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  requestId: z.string().nullable(),
});
export type TAuditEntry = z.infer<typeof ZAuditEntry>;

export const ZAuditPage = z.object({ entries: z.array(ZAuditEntry), nextBefore: z.string().nullable() });
