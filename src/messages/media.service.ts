// Inbound media: queued by the storage subscriber once the message row is committed, downloaded
// by the MediaWorker, served to the store's key.
import type { DomainEventBus } from '../events/event-bus.js';
import { AppError, ErrorCode } from '../kernel/index.js';
import type { MediaRepo } from './media.repo.js';
import { MEDIA_MESSAGE_TYPES, type MediaWorker } from './media.worker.js';

const MEDIA_TYPES = new Set<string>(MEDIA_MESSAGE_TYPES);

export interface MediaFile {
  data: Buffer;
  mimetype: string;
  sha256: string;
}

export function createMediaService(deps: { repo: MediaRepo; worker: MediaWorker }) {
  const { repo, worker } = deps;
  return {
    /** Queues the download of a stored message's media (one INSERT on the durable path) and wakes the worker. */
    async queueFor(type: string, storeId: string, messageId: string): Promise<void> {
      if (!MEDIA_TYPES.has(type)) return;
      await repo.enqueue(storeId, messageId);
      worker.kick();
    },

    /** A slot coming up is a moment to pick up downloads a dead process or an earlier run left. */
    subscribe(bus: DomainEventBus): () => void {
      return bus.on('session.status', 'media-downloads', (e) => {
        if (e.status === 'connected') worker.kick();
      });
    },

    async read(storeId: string, messageId: string): Promise<MediaFile> {
      const media = await repo.find(storeId, messageId);
      if (!media) throw new AppError(ErrorCode.NOT_FOUND, 'This message has no media');
      if (media.status !== 'stored' || !media.data) {
        throw new AppError(ErrorCode.NOT_FOUND, `The media is not available (${media.status})`, { status: media.status });
      }
      return { data: media.data, mimetype: media.mimetype ?? 'application/octet-stream', sha256: media.sha256 ?? '' };
    },

    stop: () => worker.stop(),
  };
}

export type MediaService = ReturnType<typeof createMediaService>;
