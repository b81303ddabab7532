// Delivers the outbox: claims due deliveries (a few per statement, at most one per hook and
// ordering key, so they go at once), POSTs each body signed the Standard Webhooks way
// (webhook-id = the event id, so a retry or a replay is the same event to the receiver), with the
// hook's extra headers. 2xx → delivered; anything else (a status, a timeout, a refused connection,
// an address that now resolves inward) is retried with jittered exponential backoff from the
// hook's base delay, until the event is older than the hook's retry window: then dead-lettered.
//
// A hook in another API's payload format (an Evolution API client's: src/compat) gets the stored
// standard body rewritten at delivery by that format's renderer, registered by the composition.
//
// Woken in-process when an event is enqueued; a periodic scan (started by daemon.ts) finds the
// rest: retries falling due, events other processes enqueued, leases of processes that died.
import type { Logger } from 'pino';
import { postSigned, retryDelayMs, type PostOutcome } from '../egress/index.js';
import { createWriteBatcher, QueueDrainer } from '../kernel/index.js';
import type { AttemptRecord, ClaimedDelivery, OutboxRepo } from './outbox.repo.js';
import type { OutboxEvent } from './webhook-events.js';
import type { WebhooksRepo } from './webhooks.repo.js';

/** Every webhook call names us (a receiver's own headers cannot replace it: the schema refuses user-agent). */
export const WEBHOOK_USER_AGENT = { 'user-agent': 'Drin-Webhooks/1' };

/** One claim statement takes up to this many due deliveries, each then carried by its own runner. */
const MAX_CLAIM_BATCH = 4;

export interface DeliveryWorkerOptions {
  allowPrivateUrls: boolean;
  scanIntervalMs: number;
  timeoutMs: number;
  /** Deliveries in flight at most: one per runner, so a slow receiver holds up only its own. */
  concurrency: number;
  /** A claimed delivery not finished by then is claimed again (well above the POST timeout). */
  leaseMs?: number;
}

/**
 * Writes a delivery in another API's shape: the body it posts, and the URL (a format may post each
 * event to its own path). Pure: the same delivery renders the same on every retry.
 */
export type PayloadFormat = (body: OutboxEvent['body'], options: unknown, url: string) => { body: unknown; url: string };

export interface DeliveryObserver {
  /** Each attempt's outcome, for the metrics. */
  attempted?(result: 'delivered' | 'retrying' | 'dead', latencyMs: number): void;
}

export class DeliveryWorker {
  private readonly drainer: QueueDrainer;
  private readonly leaseMs: number;
  private readonly formats = new Map<string, PayloadFormat>();

  /** Successes of every runner, recorded together (one UPDATE for those that finish meanwhile). */
  private readonly delivered = createWriteBatcher((items: readonly { d: ClaimedDelivery; a: AttemptRecord }[]) => this.outbox.deliveredMany(items), { maxBatchSize: 256 });

  constructor(
    private readonly outbox: OutboxRepo,
    private readonly hooks: Pick<WebhooksRepo, 'openSecrets'>,
    private readonly log: Logger,
    private readonly options: DeliveryWorkerOptions,
    private readonly observer: DeliveryObserver = {},
  ) {
    this.leaseMs = options.leaseMs ?? Math.max(60_000, options.timeoutMs * 3);
    this.drainer = new QueueDrainer((claimed) => this.runOne(claimed), options.concurrency);
  }

  start(): void {
    this.drainer.scanEvery(this.options.scanIntervalMs);
  }

  /** Deliveries of hooks whose payload_format is `name` are written by `render`. */
  registerFormat(name: string, render: PayloadFormat): void {
    this.formats.set(name, render);
  }

  kick(): void {
    this.drainer.kick();
  }

  async stop(): Promise<void> {
    await this.drainer.stop();
  }

  /**
   * Claims its own delivery and one for each idle runner it could take (up to MAX_CLAIM_BATCH in
   * one statement); each is then delivered on its own runner, so one that hangs until the timeout
   * keeps no other waiting.
   */
  private async runOne(claimed: () => void): Promise<boolean> {
    const spares = this.drainer.holdIdle(MAX_CLAIM_BATCH - 1);
    let batch: ClaimedDelivery[];
    try {
      batch = await this.outbox.claim(new Date(Date.now() + this.leaseMs), 1 + spares.length);
    } catch (err) {
      this.log.warn({ err }, 'webhook delivery claim failed');
      batch = [];
    }
    // At most one delivery per hook and ordering key in a batch: they may all go at once.
    const [own, ...others] = batch;
    spares.forEach((release, i) => {
      const d = others[i];
      if (!d) return release(false);
      this.drainer.track(this.deliver(d).then(() => release(true)));
    });
    if (!own) return false;
    claimed();
    await this.deliver(own);
    return true;
  }

  private async deliver(d: ClaimedDelivery): Promise<void> {
    const log = this.log.child({ storeId: d.storeId, webhookId: d.webhookId, deliveryId: d.id });
    try {
      const outcome = await this.post(d).catch((err: unknown): PostOutcome => ({ ok: false, error: err instanceof Error ? err.message : String(err), latencyMs: 0 }));
      const record = { status: outcome.status, error: outcome.error, latencyMs: outcome.latencyMs };
      if (outcome.ok) {
        await this.delivered({ d, a: record });
        this.observer.attempted?.('delivered', outcome.latencyMs);
        return;
      }
      const delay = retryDelayMs(d.attempts, d.retryBaseMs);
      if (Date.now() + delay - d.retryFrom.getTime() > d.retryMaxAgeMinutes * 60_000) {
        log.warn({ error: outcome.error, attempts: d.attempts }, 'webhook delivery dead-lettered: its retry window is over');
        await this.outbox.dead(d, record);
        this.observer.attempted?.('dead', outcome.latencyMs);
        return;
      }
      log.info({ error: outcome.error, attempt: d.attempts, retryInMs: delay }, 'webhook delivery failed, will retry');
      if (await this.outbox.retryAt(d, new Date(Date.now() + delay), record)) this.drainer.later(delay);
      this.observer.attempted?.('retrying', outcome.latencyMs);
    } catch (err) {
      // The lease lapses and the delivery is tried again, here or by another process.
      log.warn({ err }, 'webhook delivery outcome could not be recorded');
    }
  }

  private async post(d: ClaimedDelivery): Promise<PostOutcome> {
    const { secret, headers } = this.hooks.openSecrets({ id: d.webhookId, secretSealed: d.secretSealed, headersSealed: d.headersSealed });
    const { body, url } = this.render(d);
    return postSigned(url, { secret, webhookId: d.eventId, body: JSON.stringify(body), headers: { ...headers, ...WEBHOOK_USER_AGENT } }, { allowPrivate: this.options.allowPrivateUrls, timeoutMs: this.options.timeoutMs });
  }

  private render(d: ClaimedDelivery): { body: unknown; url: string } {
    if (d.payloadFormat === 'standard') return { body: d.payload, url: d.url };
    const format = this.formats.get(d.payloadFormat);
    // Retried (and dead-lettered in time) like any failure: a process without the format is misbuilt.
    if (!format) throw new Error(`no renderer for the webhook payload format "${d.payloadFormat}"`);
    return format(d.payload as OutboxEvent['body'], d.formatOptions, d.url);
  }
}
