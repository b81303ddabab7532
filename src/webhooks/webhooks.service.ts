// A store's webhooks: registering (the URL checked against private and loopback targets, a secret
// made and shown once when none is given), the delivery log and replays, a test call, and the
// outbox's subscriber on the bus.
//
// An inbound message's deliveries are written by its storage, in the message's own commit, and
// every other producer writes its events' in its own transaction through `writeEvents`
// (outbox-writer.repo.ts); their copy on the bus only wakes the delivery worker here. This durable
// subscriber enqueues (idempotently) what no transaction wrote: a status of `qrcode`, a receipt
// that moved no status, an event emitted straight on the bus.
import { randomUUID } from 'node:crypto';
import type { AuditEntry } from '../audit/audit.repo.js';
import { checkTargetAddress, newSigningSecret, postSigned } from '../egress/index.js';
import type { DomainEventBus } from '../events/event-bus.js';
import { AppError, createWriteBatcher, ErrorCode } from '../kernel/index.js';
import { WEBHOOK_USER_AGENT, type DeliveryWorker } from './delivery.worker.js';
import type { DeliveryRow, OutboxRepo } from './outbox.repo.js';
import { toOutboxEvent, WEBHOOK_EVENTS, type WebhookEventName } from './webhook-events.js';
import type { WebhookRow, WebhooksRepo, WebhookWrite } from './webhooks.repo.js';
import type { TDelivery, TWebhook, TWebhookCreate, TWebhookUpdate } from './webhooks.schemas.js';

/** Who made a change, for the audit row. */
export type WebhookActor = Pick<AuditEntry, 'actor' | 'ip' | 'requestId'>;

export interface WebhooksServiceDeps {
  hooks: WebhooksRepo;
  outbox: OutboxRepo;
  worker: DeliveryWorker;
  /** Whether a producer of this process already wrote the event's deliveries in its transaction (outbox-writer.repo.ts). */
  writtenInTransaction: (eventId: string) => boolean;
  allowPrivateUrls: boolean;
  timeoutMs: number;
}

export function webhookView(r: WebhookRow): TWebhook {
  return {
    id: r.id,
    url: r.url,
    events: r.events as TWebhook['events'],
    enabled: r.active,
    description: r.description,
    headerNames: r.headerNames,
    secretLast4: r.secretLast4,
    retry: { baseDelayMs: r.retryBaseMs, maxAgeMinutes: r.retryMaxAgeMinutes },
    slot: r.slot,
    payloadFormat: r.payloadFormat as TWebhook['payloadFormat'],
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

function deliveryView(d: DeliveryRow): TDelivery {
  return {
    id: d.id,
    eventId: d.eventId,
    event: d.event,
    status: d.status as TDelivery['status'],
    attempts: d.attempts,
    lastResponseStatus: d.responseStatus,
    lastError: d.lastError,
    latencyMs: d.latencyMs,
    nextAttemptAt: d.status === 'pending' ? d.nextAttemptAt.toISOString() : null,
    deliveredAt: d.deliveredAt?.toISOString() ?? null,
    createdAt: d.createdAt.toISOString(),
  };
}

/** What an audit row may say about a change: the fields, never a secret or a header's value. */
function auditData(w: WebhookWrite): Record<string, unknown> {
  const { secret, headers, ...plain } = w;
  return {
    ...plain,
    ...(secret !== undefined ? { secret: 'replaced' } : {}),
    ...(headers !== undefined ? { headerNames: headers ? Object.keys(headers) : [] } : {}),
  };
}

const notFound = () => new AppError(ErrorCode.NOT_FOUND, 'Webhook not found');

export function createWebhooksService(deps: WebhooksServiceDeps) {
  const { hooks, outbox } = deps;
  const checkUrl = (url: string) => checkTargetAddress(url, deps.allowPrivateUrls, 'url');

  async function require(storeId: string, id: string): Promise<WebhookRow> {
    const row = await hooks.get(storeId, id);
    if (!row) throw notFound();
    return row;
  }

  // Events of many slots at once share one INSERT (each slot's still wait for theirs, in order).
  const enqueue = createWriteBatcher((items: readonly { storeId: string; event: ReturnType<typeof toOutboxEvent> }[]) => outbox.enqueueMany(items), { maxBatchSize: 256 });

  async function onEvent(type: WebhookEventName, event: { storeId: string }): Promise<void> {
    const entry = { storeId: event.storeId, event: toOutboxEvent(type, event as never) };
    if (deps.writtenInTransaction(entry.event.eventId) || (await enqueue(entry)) > 0) deps.worker.kick();
  }

  return {
    async create(storeId: string, input: TWebhookCreate, by: WebhookActor): Promise<TWebhook & { secret?: string }> {
      await checkUrl(input.url);
      const made = input.secret ? null : newSigningSecret();
      const write = {
        url: input.url,
        events: [...new Set(input.events)],
        secret: input.secret ?? made!.secret,
        headers: input.headers ?? null,
        active: input.enabled,
        description: input.description ?? null,
        retryBaseMs: input.retry.baseDelayMs,
        retryMaxAgeMinutes: input.retry.maxAgeMinutes,
      };
      const id = randomUUID();
      const row = await hooks.create(storeId, id, write, { ...by, action: 'webhook.created', resourceType: 'webhook', data: auditData(write) as never });
      return { ...webhookView(row), ...(made ? { secret: made.secret } : {}) };
    },

    /**
     * The one hook a compatibility API keeps under a fixed id (an Evolution instance's webhook/set):
     * scoped to a slot, its body in that API's format. Created with a signing secret of its own
     * (never shown: such clients do not check signatures), or replaced field by field.
     */
    async put(storeId: string, id: string, input: Required<Pick<WebhookWrite, 'url' | 'events' | 'headers' | 'active' | 'slot' | 'payloadFormat' | 'formatOptions'>>, by: WebhookActor): Promise<WebhookRow> {
      await checkUrl(input.url);
      const row = await hooks.put(storeId, id, input, newSigningSecret().secret, { ...by, action: 'webhook.put', resourceType: 'webhook', data: auditData(input) as never });
      if (input.active) deps.worker.kick();
      return row;
    },

    /** A hook as it is stored (for a compatibility API's own view of it); null when there is none. */
    find: (storeId: string, id: string): Promise<WebhookRow | null> => hooks.get(storeId, id),

    list: async (storeId: string): Promise<TWebhook[]> => (await hooks.list(storeId)).map(webhookView),

    get: async (storeId: string, id: string): Promise<TWebhook> => webhookView(await require(storeId, id)),

    async update(storeId: string, id: string, patch: TWebhookUpdate, by: WebhookActor): Promise<TWebhook> {
      if (patch.url !== undefined) await checkUrl(patch.url);
      const write: WebhookWrite = {
        ...(patch.url !== undefined ? { url: patch.url } : {}),
        ...(patch.events !== undefined ? { events: [...new Set(patch.events)] } : {}),
        ...(patch.secret !== undefined ? { secret: patch.secret } : {}),
        ...(patch.headers !== undefined ? { headers: patch.headers } : {}),
        ...(patch.enabled !== undefined ? { active: patch.enabled } : {}),
        ...(patch.description !== undefined ? { description: patch.description } : {}),
        ...(patch.retry?.baseDelayMs !== undefined ? { retryBaseMs: patch.retry.baseDelayMs } : {}),
        ...(patch.retry?.maxAgeMinutes !== undefined ? { retryMaxAgeMinutes: patch.retry.maxAgeMinutes } : {}),
      };
      const row = await hooks.update(storeId, id, write, { ...by, action: 'webhook.updated', resourceType: 'webhook', data: { changed: auditData(write) } as never });
      if (!row) throw notFound();
      // Re-enabled: its waiting deliveries may go now.
      if (patch.enabled) deps.worker.kick();
      return webhookView(row);
    },

    async remove(storeId: string, id: string, by: WebhookActor): Promise<void> {
      if (!(await hooks.remove(storeId, id, { ...by, action: 'webhook.deleted', resourceType: 'webhook' }))) throw notFound();
    },

    /** One signed call now, outside the outbox: does the receiver answer, and how fast. */
    async test(storeId: string, id: string): Promise<{ ok: boolean; status: number | null; error: string | null; latencyMs: number }> {
      const row = await require(storeId, id);
      const { secret, headers } = hooks.openSecrets(row);
      const eventId = `evt_test_${randomUUID()}`;
      const body = JSON.stringify({ id: eventId, type: 'webhook.test', storeId, timestamp: new Date().toISOString(), data: { webhookId: id } });
      const outcome = await postSigned(row.url, { secret, webhookId: eventId, body, headers: { ...headers, ...WEBHOOK_USER_AGENT } }, { allowPrivate: deps.allowPrivateUrls, timeoutMs: deps.timeoutMs });
      return { ok: outcome.ok, status: outcome.status ?? null, error: outcome.error ?? null, latencyMs: outcome.latencyMs };
    },

    async deliveries(storeId: string, id: string, q: { status?: string; limit: number; before?: string }): Promise<TDelivery[]> {
      await require(storeId, id);
      return (await outbox.list(storeId, id, { ...q, before: q.before ? new Date(q.before) : undefined })).map(deliveryView);
    },

    async replayOne(storeId: string, id: string, deliveryId: string): Promise<TDelivery> {
      await require(storeId, id);
      const row = await outbox.replayOne(storeId, id, deliveryId);
      if (!row) {
        if (await outbox.exists(storeId, id, deliveryId)) throw new AppError(ErrorCode.CONFLICT, 'The delivery is still pending: it is sent without a replay');
        throw new AppError(ErrorCode.NOT_FOUND, 'Delivery not found');
      }
      deps.worker.kick();
      return deliveryView(row);
    },

    async replayRange(storeId: string, id: string, r: { from: string; to: string; status: 'dead' | 'delivered' | 'any' }): Promise<{ replayed: number }> {
      await require(storeId, id);
      const replayed = await outbox.replayRange(storeId, id, new Date(r.from), new Date(r.to), r.status);
      if (replayed) deps.worker.kick();
      return { replayed };
    },

    /** The outbox's durable subscriber, one per event a hook may ask for (message.received: written by its storage). */
    subscribe(bus: DomainEventBus): () => void {
      const offs = WEBHOOK_EVENTS.filter((type) => type !== 'message.received').map((type) => bus.on(type, 'webhook-outbox', (e) => onEvent(type, e), { durable: true }));
      return () => offs.forEach((off) => off());
    },
  };
}

export type WebhooksService = ReturnType<typeof createWebhooksService>;
