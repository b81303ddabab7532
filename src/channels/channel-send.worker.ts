// Delivers queued sends on other channels: POSTs each to the store's outbound URL (its n8n),
// signed with the store's channel secret (Standard Webhooks, webhook-id = the message id, so a
// retry is the same delivery to n8n). 2xx → sent; anything else is retried with capped, jittered
// exponential backoff until the attempts run out, then failed with the reason.
//
// Woken in-process when a send is queued; a periodic scan (started by daemon.ts) finds the rest:
// retries falling due, sends queued by other processes, and leases of processes that died. The
// schedule lives in the row (next_attempt_at), not in this process, so no retry library fits:
// the delay is one pure function.
import type { Logger } from 'pino';
import { QueueDrainer } from '../kernel/index.js';
import type { Keyring } from '../security/secret-box.js';
import { postSigned, retryDelayMs, type PostOutcome } from '../egress/index.js';
import { openChannelSecret } from './channel-secret.js';
import type { ChannelSendsRepo, ClaimedSend } from './channel-sends.repo.js';

export interface ChannelSendWorkerOptions {
  keyring: Keyring;
  allowPrivateUrls: boolean;
  scanIntervalMs: number;
  retryBaseMs: number;
  maxAttempts: number;
  concurrency?: number;
  /** a claimed send not finished by then may be claimed again (well above the POST timeout) */
  leaseMs?: number;
  postTimeoutMs?: number;
}

export class ChannelSendWorker {
  private readonly options: Required<ChannelSendWorkerOptions>;
  private readonly drainer: QueueDrainer;

  constructor(
    private readonly repo: ChannelSendsRepo,
    private readonly log: Logger,
    options: ChannelSendWorkerOptions,
  ) {
    this.options = { concurrency: 4, leaseMs: 2 * 60_000, postTimeoutMs: 15_000, ...options };
    this.drainer = new QueueDrainer((claimed) => this.runOne(claimed), this.options.concurrency);
  }

  /** Starts the periodic scan (and a first one now). */
  start(): void {
    this.drainer.scanEvery(this.options.scanIntervalMs);
  }

  /** Look for work now (a send was queued, a retry fell due). */
  kick(): void {
    this.drainer.kick();
  }

  /** Waits for sends under way; no new one starts. */
  async stop(): Promise<void> {
    await this.drainer.stop();
  }

  private async runOne(claimed: () => void): Promise<boolean> {
    let send: ClaimedSend | null;
    try {
      send = await this.repo.claim(new Date(Date.now() + this.options.leaseMs));
    } catch (err) {
      this.log.warn({ err }, 'channel send claim failed');
      return false;
    }
    if (!send) return false;
    claimed();
    const log = this.log.child({ storeId: send.storeId, messageId: send.messageId });
    try {
      // A failure before the POST (the database, a secret that no longer opens) is an attempt too.
      const outcome = await this.deliver(send).catch((err: unknown): PostOutcome => ({ ok: false, error: err instanceof Error ? err.message : String(err), latencyMs: 0 }));
      if (outcome.ok) await this.repo.markSent(send);
      else if (send.attempts < this.options.maxAttempts) {
        const delay = retryDelayMs(send.attempts, this.options.retryBaseMs);
        log.info({ error: outcome.error, attempt: send.attempts, retryInMs: delay }, 'channel send failed, will retry');
        await this.repo.retryAt(send, new Date(Date.now() + delay), outcome.error ?? 'failed');
        this.drainer.later(delay);
      } else {
        log.warn({ error: outcome.error, attempts: send.attempts }, 'channel send failed for good');
        await this.repo.markFailed(send, outcome.error ?? 'failed');
      }
    } catch (err) {
      // the lease lapses and the send is tried again, here or by another process
      log.warn({ err }, 'channel send outcome could not be recorded');
    }
    return true;
  }

  private async deliver(send: ClaimedSend): Promise<PostOutcome> {
    const target = await this.repo.target(send);
    if (!target) return { ok: false, error: 'the message no longer exists', latencyMs: 0 };
    if (!target.outboundUrl || !target.secretEnc) return { ok: false, error: 'the store has no outbound URL or channel secret', latencyMs: 0 };
    const secret = openChannelSecret(this.options.keyring, send.storeId, target.secretEnc);
    return postSigned(target.outboundUrl, { secret, webhookId: send.messageId, body: JSON.stringify(target.payload) }, { allowPrivate: this.options.allowPrivateUrls, timeoutMs: this.options.postTimeoutMs });
  }
}
