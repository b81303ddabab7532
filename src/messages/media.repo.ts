// Inbound media: the `message_media` rows, which are both the stored files and the download queue.
// A row is claimed with FOR UPDATE SKIP LOCKED and a lease, so any daemon process may download it
// and a process that dies mid-download leaves a row the next claimer takes once the lease lapses.
import type { Db } from '../db/prisma.js';

export type MediaStatus = 'pending' | 'downloading' | 'stored' | 'failed' | 'too_large';

/** A claimed download: the message's protobuf carries the media key, URL and hashes. */
export interface MediaJob {
  id: string;
  storeId: string;
  messageId: string;
  attempts: number;
  payload: Uint8Array;
}

export interface StoredMedia {
  status: MediaStatus;
  mimetype: string | null;
  size: number | null;
  sha256: string | null;
}

export function createMediaRepo(db: Db) {
  return {
    /** Queues a message's media once; a second call for the same message changes nothing. */
    async enqueue(storeId: string, messageId: string): Promise<void> {
      await db.messageMedia.createMany({ data: [{ storeId, messageId }], skipDuplicates: true });
    },

    /**
     * Queues the media of messages stored since `since` that have none queued yet (a crash
     * between the message's commit and its enqueue); returns how many.
     */
    async enqueueMissing(types: readonly string[], since: Date): Promise<number> {
      return db.$executeRaw`
        INSERT INTO message_media (id, store_id, message_id)
        SELECT 'm' || md5(m.store_id || m.id), m.store_id, m.id FROM messages m
        WHERE m.direction = 'inbound' AND m.type = ANY(${[...types]}::text[]) AND m.created_at >= ${since}
          AND NOT EXISTS (SELECT 1 FROM message_media x WHERE x.store_id = m.store_id AND x.message_id = m.id)
        ON CONFLICT DO NOTHING`;
    },

    /** Claims up to `limit` due downloads (pending, or downloading with a lapsed lease) until `leaseUntil`. */
    async claim(limit: number, leaseUntil: Date): Promise<MediaJob[]> {
      const rows = await db.$queryRaw<{ id: string; store_id: string; message_id: string; attempts: number; payload: Uint8Array | null }[]>`
        WITH due AS (
          SELECT id FROM message_media
          WHERE (status = 'pending' AND next_attempt_at <= now()) OR (status = 'downloading' AND lease_until < now())
          ORDER BY next_attempt_at LIMIT ${limit} FOR UPDATE SKIP LOCKED
        )
        UPDATE message_media x SET status = 'downloading', lease_until = ${leaseUntil}, attempts = x.attempts + 1, updated_at = now()
        FROM due, messages m
        WHERE x.id = due.id AND m.store_id = x.store_id AND m.id = x.message_id
        RETURNING x.id, x.store_id, x.message_id, x.attempts, m.payload`;
      return rows.map((r) => ({ id: r.id, storeId: r.store_id, messageId: r.message_id, attempts: r.attempts, payload: r.payload ?? new Uint8Array() }));
    },

    async markStored(id: string, file: { mimetype: string | null; data: Buffer; sha256: string }): Promise<void> {
      await db.messageMedia.update({
        where: { id },
        data: { status: 'stored', mimetype: file.mimetype, size: file.data.length, sha256: file.sha256, data: new Uint8Array(file.data), leaseUntil: null, lastError: null },
      });
    },

    /** A final outcome without bytes (failed for good, or too large), keeping what the message said. */
    async markUnavailable(id: string, status: 'failed' | 'too_large', info: { mimetype: string | null; size: number | null; error: string }): Promise<void> {
      await db.messageMedia.update({ where: { id }, data: { status, mimetype: info.mimetype, size: info.size, lastError: info.error, leaseUntil: null } });
    },

    /** A failure worth another try at `at`. */
    async retryAt(id: string, at: Date, error: string): Promise<void> {
      await db.messageMedia.update({ where: { id }, data: { status: 'pending', nextAttemptAt: at, lastError: error, leaseUntil: null } });
    },

    /** The media of one of the store's messages, with its bytes when stored. */
    async find(storeId: string, messageId: string): Promise<(StoredMedia & { data: Buffer | null }) | null> {
      const row = await db.messageMedia.findUnique({
        where: { storeId_messageId: { storeId, messageId } },
        select: { status: true, mimetype: true, size: true, sha256: true, data: true },
      });
      if (!row) return null;
      return { ...row, status: row.status as MediaStatus, size: row.size === null ? null : Number(row.size), data: row.data ? Buffer.from(row.data) : null };
    },
  };
}

export type MediaRepo = ReturnType<typeof createMediaRepo>;
