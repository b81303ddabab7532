// A store's webhooks: registrations, the durable outbox (webhook_deliveries) its events are
// written to, and the worker that delivers them signed (Standard Webhooks).
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Db } from '../db/prisma.js';
import type { WriteEventsInTransaction } from '../events/committed-events.js';
import type { Keyring } from '../security/secret-box.js';
import { DeliveryWorker, type DeliveryObserver } from './delivery.worker.js';
import { createOutboxWriter } from './outbox-writer.repo.js';
import { createOutboxRepo } from './outbox.repo.js';
import { createWebhooksRepo } from './webhooks.repo.js';
import { createWebhooksService, type WebhooksService } from './webhooks.service.js';

export { webhooksRouter } from './webhooks.routes.js';
export { toOutboxEvent, WEBHOOK_EVENTS, withStoredMessage, type OutboxEvent, type WebhookEventName } from './webhook-events.js';
/** For producers that write their events' deliveries inside their own transaction. */
export { deliveriesFrom, enqueueOutbox, type OutboxEntry } from './outbox-writer.repo.js';
export type { WriteEventsInTransaction } from '../events/committed-events.js';
export type { WebhooksService } from './webhooks.service.js';
export type { WebhookRow } from './webhooks.repo.js';
/** Headers the delivery sets itself: a hook's own headers may not name them. */
export { RESERVED_HEADER } from './webhooks.schemas.js';
export type { PayloadFormat } from './delivery.worker.js';
/** `npm run secrets:rotate`: webhook secrets and headers re-sealed under the current SECRETS_KEY. */
export { reencryptWebhookSecrets, type WebhookSecretsReport } from './webhook-secret-reencryption.repo.js';

export interface Webhooks {
  service: WebhooksService;
  worker: DeliveryWorker;
  /** For producers: their events' deliveries, written inside their own transaction. */
  writeEvents: WriteEventsInTransaction;
}

/** The domain wired over one database: what composition.ts calls. */
export function createWebhooks(deps: {
  db: Db;
  keyring: Keyring;
  log: Logger;
  config: { allowPrivateUrls: boolean; scanIntervalMs: number; timeoutMs: number; concurrency: number };
  observer?: DeliveryObserver;
}): Webhooks {
  const hooks = createWebhooksRepo(deps.db, deps.keyring);
  const outbox = createOutboxRepo(deps.db, randomUUID());
  const worker = new DeliveryWorker(outbox, hooks, deps.log, deps.config, deps.observer);
  const writer = createOutboxWriter();
  const service = createWebhooksService({ hooks, outbox, worker, writtenInTransaction: writer.takeWritten, allowPrivateUrls: deps.config.allowPrivateUrls, timeoutMs: deps.config.timeoutMs });
  return { service, worker, writeEvents: writer.write };
}
