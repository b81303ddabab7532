// The contract of a store's webhooks: registering one, what GET shows (never the secret or the
// extra headers' values), the delivery log, replays, and the body every delivery carries.
import { z } from 'zod';
import { ZRowId, ZStoreId } from '../kernel/index.js';
import { WEBHOOK_EVENTS } from './webhook-events.js';

export { ZStoreParams, ZStoreRowParams } from '../kernel/index.js';

export const ZWebhookParams = z.strictObject({ storeId: ZStoreId, id: ZRowId });
export const ZDeliveryParams = z.strictObject({ storeId: ZStoreId, id: ZRowId, deliveryId: ZRowId });

export const ZWebhookEvent = z.enum([...WEBHOOK_EVENTS, '*']).describe('an event name, or * for every one');

/** A header a receiver asks for (its own token, a tenant id); not one we set ourselves. */
export const RESERVED_HEADER = /^(content-type|content-length|host|connection|transfer-encoding|user-agent|webhook-(id|timestamp|signature))$/i;
const ZHeaders = z
  .record(
    z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'a header name: letters, digits and -').refine((h) => !RESERVED_HEADER.test(h), 'the daemon sets this header itself'),
    z.string().min(1).max(1024).regex(/^[\t\x20-\x7e]*$/, 'printable ASCII'),
  )
  .refine((h) => Object.keys(h).length <= 10, 'at most 10 headers')
  .describe('extra request headers (e.g. the receiver\'s own token); kept encrypted, GET shows their names only');

const ZRetryFields = {
  baseDelayMs: z.number().int().min(100).max(3_600_000).describe('the first retry\'s delay; each next one doubles (jittered, at most an hour apart)'),
  maxAgeMinutes: z.number().int().min(1).max(10_080).describe('retries stop (dead-lettered) once the event is this old'),
};
const ZRetry = z.strictObject({ baseDelayMs: ZRetryFields.baseDelayMs.default(5_000), maxAgeMinutes: ZRetryFields.maxAgeMinutes.default(1_440) });
/** In a PATCH only what is named changes: no defaults. */
const ZRetryPatch = z.strictObject({ baseDelayMs: ZRetryFields.baseDelayMs.optional(), maxAgeMinutes: ZRetryFields.maxAgeMinutes.optional() });

const ZSecret = z.string().regex(/^whsec_[A-Za-z0-9+/]{32,88}={0,2}$/, 'a Standard Webhooks secret: whsec_ and 24 to 64 bytes of base64');

export const ZWebhookCreate = z.strictObject({
  url: z.url({ protocol: /^https?$/ }).max(2048).describe('https; http and private addresses only where WEBHOOKS_ALLOW_PRIVATE_URLS'),
  events: z.array(ZWebhookEvent).min(1).max(WEBHOOK_EVENTS.length + 1),
  secret: ZSecret.optional().describe('the signing secret; made (and shown once) when not given'),
  headers: ZHeaders.optional(),
  enabled: z.boolean().default(true),
  description: z.string().max(200).regex(/^[^\u0000]*$/).optional(),
  retry: ZRetry.default({ baseDelayMs: 5_000, maxAgeMinutes: 1_440 }),
});
export type TWebhookCreate = z.infer<typeof ZWebhookCreate>;

export const ZWebhookUpdate = z
  .strictObject({
    url: ZWebhookCreate.shape.url.optional(),
    events: ZWebhookCreate.shape.events.optional(),
    secret: ZSecret.optional().describe('replace the signing secret (the old one stops at once)'),
    headers: ZHeaders.nullable().optional().describe('replace every extra header; null removes them'),
    enabled: z.boolean().optional(),
    description: z.string().max(200).regex(/^[^\u0000]*$/).nullable().optional(),
    retry: ZRetryPatch.optional(),
  })
  .refine((u) => Object.keys(u).length > 0, 'nothing to change');
export type TWebhookUpdate = z.infer<typeof ZWebhookUpdate>;

export const ZWebhook = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(ZWebhookEvent),
  enabled: z.boolean(),
  description: z.string().nullable(),
  headerNames: z.array(z.string()),
  secretLast4: z.string(),
  retry: z.object({ baseDelayMs: z.number(), maxAgeMinutes: z.number() }),
  slot: z.number().int().nullable().describe('only this slot\'s events (null: every slot\'s)'),
  payloadFormat: z.enum(['standard', 'evolution']).describe('standard: the body below; evolution: Evolution API\'s, for a hook set through /evolution/webhook/set'),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type TWebhook = z.infer<typeof ZWebhook>;

export const ZWebhookCreated = ZWebhook.extend({
  secret: z.string().optional().describe('the signing secret, only when the daemon made it: shown in this answer only'),
});

export const ZWebhookList = z.object({ webhooks: z.array(ZWebhook) });

export const ZDeliveryStatus = z.enum(['pending', 'delivering', 'delivered', 'dead']);

export const ZDelivery = z.object({
  id: z.string(),
  eventId: z.string(),
  event: z.string(),
  status: ZDeliveryStatus,
  attempts: z.number(),
  lastResponseStatus: z.number().nullable(),
  lastError: z.string().nullable(),
  latencyMs: z.number().nullable(),
  nextAttemptAt: z.string().nullable().describe('when it is tried next (pending only)'),
  deliveredAt: z.string().nullable(),
  createdAt: z.string(),
});
export type TDelivery = z.infer<typeof ZDelivery>;

export const ZDeliveryQuery = z.strictObject({
  status: ZDeliveryStatus.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.iso.datetime({ offset: true }).optional().describe('only deliveries created before this instant (the next page: the last row\'s createdAt)'),
});

export const ZDeliveryList = z.object({ deliveries: z.array(ZDelivery) });

export const ZReplayRange = z
  .strictObject({
    from: z.iso.datetime({ offset: true }),
    to: z.iso.datetime({ offset: true }),
    status: z.enum(['dead', 'delivered', 'any']).default('dead').describe('which deliveries of the range to send again'),
  })
  .refine((r) => new Date(r.from) < new Date(r.to), { message: 'from must be before to', path: ['from'] });

export const ZReplayed = z.object({ replayed: z.number().describe('deliveries queued again (same event ids)') });

export const ZTestResult = z.object({
  ok: z.boolean(),
  status: z.number().nullable(),
  error: z.string().nullable(),
  latencyMs: z.number(),
});

/** The body of every delivery; `data` per type is the event as documented in the README. */
export const ZWebhookBody = z.object({
  id: z.string().describe('the event id, also the webhook-id header: the same on every retry and replay'),
  type: ZWebhookEvent,
  storeId: z.string(),
  timestamp: z.string(),
  data: z.record(z.string(), z.unknown()),
});
