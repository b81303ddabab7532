// Downloads inbound media after the message row is committed, off the in-order storage path: the
// durable subscriber only queues a row (message_media, status pending) and kicks this worker.
// Any process may run any row; a failure retries with backoff and ends as `failed`, never
// touching the message row.
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { downloadMediaMessage, extractMessageContent, getContentType, proto, type WAMessage } from '@whiskeysockets/baileys';
import type { Logger } from 'pino';
import { QueueDrainer } from '../kernel/index.js';
import type { MediaFetch } from './media-route.js';
import type { MediaJob, MediaRepo } from './media.repo.js';

/** The message types (socket-events' `type`) whose content is a downloadable file. */
export const MEDIA_MESSAGE_TYPES = ['image', 'video', 'audio', 'document', 'sticker', 'ptv', 'documentWithCaption'] as const;

export interface MediaWorkerOptions {
  maxBytes: number;
  /** test-only routing to the simulator's media host; undefined = WhatsApp's hosts */
  fetch?: MediaFetch;
  concurrency?: number;
  /** a claimed download not finished by then may be claimed by another process */
  leaseMs?: number;
  /** delay before each retry; past the last one the media is failed */
  retryDelaysMs?: number[];
  /** how far back the sweep looks for stored messages whose media was never queued */
  sweepWindowMs?: number;
}

const DEFAULTS = { concurrency: 2, leaseMs: 10 * 60_000, retryDelaysMs: [5_000, 30_000, 120_000, 600_000], sweepWindowMs: 7 * 86_400_000 };

type Outcome =
  | { kind: 'stored'; mimetype: string | null; data: Buffer; sha256: string }
  | { kind: 'too_large' | 'failed'; mimetype: string | null; size: number | null; error: string }
  | { kind: 'retry'; error: string };

/** WhatsApp answers 404/410 for media it no longer has: asking again will not bring it back. */
const isGone = (err: unknown) => [404, 410].includes((err as { output?: { statusCode?: number } })?.output?.statusCode ?? 0);

async function readCapped(stream: Readable, maxBytes: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > maxBytes) {
      stream.destroy();
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Fetches and checks one message's media; never throws. */
export async function downloadMedia(job: MediaJob, options: { maxBytes: number; fetch?: MediaFetch }): Promise<Outcome> {
  const message = proto.WebMessageInfo.decode(job.payload);
  const content = extractMessageContent(message.message);
  const type = getContentType(content ?? undefined);
  const media = (type ? content?.[type] : undefined) as proto.Message.IImageMessage | undefined;
  const mimetype = media?.mimetype ?? null;
  const declared = media?.fileLength === undefined || media.fileLength === null ? null : Number(media.fileLength);
  if (!media?.mediaKey || !(media.directPath || media.url)) return { kind: 'failed', mimetype, size: declared, error: 'the message carries no downloadable media' };
  if (declared !== null && declared > options.maxBytes) return { kind: 'too_large', mimetype, size: declared, error: `declared ${declared} bytes > MEDIA_MAX_BYTES` };
  try {
    const stream = await downloadMediaMessage(message as WAMessage, 'stream', { ...(options.fetch ? { options: options.fetch.requestInit } : {}) });
    const data = await readCapped(stream, options.maxBytes);
    if (!data) return { kind: 'too_large', mimetype, size: declared, error: 'more bytes than MEDIA_MAX_BYTES' };
    const sha256 = createHash('sha256').update(data).digest();
    if (media.fileSha256?.length && !sha256.equals(Buffer.from(media.fileSha256))) {
      return { kind: 'failed', mimetype, size: data.length, error: 'sha256 differs from the message fileSha256' };
    }
    return { kind: 'stored', mimetype, data, sha256: sha256.toString('hex') };
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    return isGone(err) ? { kind: 'failed', mimetype, size: declared, error } : { kind: 'retry', error };
  }
}

export class MediaWorker {
  private readonly options: Required<Omit<MediaWorkerOptions, 'fetch'>> & Pick<MediaWorkerOptions, 'fetch'>;
  private readonly drainer: QueueDrainer;
  private swept = false;

  constructor(
    private readonly repo: MediaRepo,
    private readonly log: Logger,
    options: MediaWorkerOptions,
  ) {
    this.options = { ...DEFAULTS, ...options };
    this.drainer = new QueueDrainer((claimed) => this.runOne(claimed), this.options.concurrency);
  }

  /** Look for work now (a message with media was stored, a slot connected, a retry fell due). */
  kick(): void {
    if (this.drainer.isStopped) return;
    if (!this.swept) {
      this.swept = true;
      this.repo
        .enqueueMissing(MEDIA_MESSAGE_TYPES, new Date(Date.now() - this.options.sweepWindowMs))
        .then((n) => n && this.log.info({ queued: n }, 'media of earlier messages queued'))
        .catch((err: unknown) => this.log.warn({ err }, 'media sweep failed'))
        .finally(() => this.drainer.kick());
      return;
    }
    this.drainer.kick();
  }

  /** Waits for downloads under way; no new one starts. */
  async stop(): Promise<void> {
    await this.drainer.stop();
  }

  /** Claims one row and downloads it; true when there was one. */
  private async runOne(claimed: () => void): Promise<boolean> {
    let job: MediaJob | undefined;
    try {
      [job] = await this.repo.claim(1, new Date(Date.now() + this.options.leaseMs));
    } catch (err) {
      this.log.warn({ err }, 'media claim failed');
      this.drainer.later(this.options.retryDelaysMs[0]!);
      return false;
    }
    if (!job) return false;
    claimed(); // there may be more: let another runner claim in parallel
    const outcome = await downloadMedia(job, this.options);
    const log = this.log.child({ storeId: job.storeId, messageId: job.messageId });
    try {
      if (outcome.kind === 'stored') await this.repo.markStored(job.id, outcome);
      else if (outcome.kind === 'retry' && job.attempts <= this.options.retryDelaysMs.length) {
        const delay = this.options.retryDelaysMs[job.attempts - 1]!;
        log.info({ error: outcome.error, attempt: job.attempts, retryInMs: delay }, 'media download failed, will retry');
        await this.repo.retryAt(job.id, new Date(Date.now() + delay), outcome.error);
        this.drainer.later(delay);
      } else {
        const final = outcome.kind === 'retry' ? { kind: 'failed' as const, mimetype: null, size: null, error: outcome.error } : outcome;
        if (final.kind === 'failed') log.warn({ error: final.error }, 'media download failed for good');
        await this.repo.markUnavailable(job.id, final.kind, final);
      }
    } catch (err) {
      // the lease lapses and the download is retried, here or by another process
      log.warn({ err }, 'media outcome could not be recorded');
    }
    return true;
  }
}
