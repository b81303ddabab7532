// What an AI context snapshot is made from and where it goes: the contact's data and last
// messages, the store's bot settings and time zone, the snapshots themselves, the contacts the
// daily job visits, and the job's cross-process lock.
import pg from 'pg';
import type { Db, Prisma } from '../db/prisma.js';
import type { TSnapshotFlags, TSnapshotReason } from './snapshots.schemas.js';

export interface SnapshotRow {
  id: string;
  contactId: string;
  conversationId: string | null;
  summary: string;
  flags: Prisma.JsonValue;
  model: string | null;
  reason: string;
  createdAt: Date;
}

export interface ContactFacts {
  name: string | null;
  pushName: string | null;
  phone: string | null;
  tags: string[];
  notes: string | null;
  optOut: boolean;
  upcomingAppointments: number;
  nextAppointment: { startsAt: Date; service: string | null; status: string } | null;
}

export interface TranscriptMessage {
  direction: string;
  type: string;
  text: string | null;
  sentAt: Date;
}

/** First key of the two-key advisory lock space; clear of the booking (0x445242) and stream-lease (0x44524e) classes. */
const JOB_LOCK_CLASS = 0x445253;
const DAILY_JOB_LOCK = 1;

const SNAPSHOT_SELECT = { id: true, contactId: true, conversationId: true, summary: true, flags: true, model: true, reason: true, createdAt: true } as const;

export function createSnapshotsRepo(db: Db, pool: pg.Pool) {
  return {
    async latest(storeId: string, contactId: string): Promise<SnapshotRow | null> {
      return db.aiSnapshot.findFirst({ where: { storeId, contactId }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], select: SNAPSHOT_SELECT });
    },

    async insert(storeId: string, data: { contactId: string; conversationId: string | null; summary: string; flags: TSnapshotFlags; model: string; reason: TSnapshotReason }): Promise<SnapshotRow> {
      return db.aiSnapshot.create({ data: { storeId, ...data }, select: SNAPSHOT_SELECT });
    },

    /** The contact as the model is told about it; null when the store has no such contact. */
    async contactFacts(storeId: string, contactId: string, now: Date): Promise<ContactFacts | null> {
      const upcoming = { storeId, contactId, startsAt: { gte: now }, status: { not: 'cancelled' } };
      const [contact, count, next] = await Promise.all([
        db.contact.findUnique({ where: { storeId_id: { storeId, id: contactId } }, select: { name: true, pushName: true, phone: true, tags: true, notes: true, optOut: true } }),
        db.appointment.count({ where: upcoming }),
        db.appointment.findFirst({ where: upcoming, orderBy: [{ startsAt: 'asc' }, { id: 'asc' }], select: { startsAt: true, status: true, service: { select: { name: true } } } }),
      ]);
      if (!contact) return null;
      return {
        ...contact,
        upcomingAppointments: count,
        nextAppointment: next && { startsAt: next.startsAt, status: next.status, service: next.service?.name ?? null },
      };
    },

    async isContactsConversation(storeId: string, contactId: string, conversationId: string): Promise<boolean> {
      return (await db.conversation.count({ where: { storeId, contactId, id: conversationId } })) > 0;
    },

    /** The contact's last `limit` messages on every channel and conversation, oldest first. */
    async lastMessages(storeId: string, contactId: string, limit: number): Promise<TranscriptMessage[]> {
      const rows = await db.message.findMany({
        where: { storeId, contactId },
        orderBy: [{ sentAt: 'desc' }, { createdAt: 'desc' }, { id: 'desc' }],
        take: limit,
        select: { direction: true, type: true, text: true, sentAt: true },
      });
      return rows.reverse();
    },

    /** Contacts (of one store, or of every store) with a message either way since `since`. */
    async activeContacts(since: Date, storeId?: string): Promise<Array<{ storeId: string; contactId: string }>> {
      // DISTINCT in SQL: Prisma's `distinct` would fetch every message of the day and dedupe here.
      const rows = storeId
        ? await db.$queryRaw<Array<{ store_id: string; contact_id: string }>>`
            SELECT DISTINCT store_id, contact_id FROM messages
            WHERE store_id = ${storeId} AND sent_at >= ${since} AND contact_id IS NOT NULL
            ORDER BY store_id, contact_id`
        : await db.$queryRaw<Array<{ store_id: string; contact_id: string }>>`
            SELECT DISTINCT store_id, contact_id FROM messages
            WHERE sent_at >= ${since} AND contact_id IS NOT NULL
            ORDER BY store_id, contact_id`;
      return rows.map((r) => ({ storeId: r.store_id, contactId: r.contact_id }));
    },

    /**
     * The daily job's lock, so that of several daemon processes one runs it: a session advisory
     * lock on a connection of its own (not one of the pool's: the job would hold it for its whole
     * run, and the embedded database's pool is a single connection the job's own queries need).
     * Resolves to the release function, or null when another process holds the lock. Losing the
     * connection mid-run frees the lock early; a second run then finds the 12-hour rule in force.
     */
    async tryDailyJobLock(onLost: (err: Error) => void): Promise<(() => Promise<void>) | null> {
      const client = new pg.Client({ ...pool.options, application_name: 'drin-snapshot-job' });
      client.on('error', onLost);
      await client.connect();
      try {
        const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1::int4, $2::int4) AS locked', [JOB_LOCK_CLASS, DAILY_JOB_LOCK]);
        if (rows[0]?.locked) {
          return async () => {
            // Ending the session releases the lock as well; the unlock just says so first.
            await client.query('SELECT pg_advisory_unlock($1::int4, $2::int4)', [JOB_LOCK_CLASS, DAILY_JOB_LOCK]).catch(() => {});
            await client.end().catch(() => {});
          };
        }
      } catch (err) {
        await client.end().catch(() => {});
        throw err;
      }
      await client.end().catch(() => {});
      return null;
    },
  };
}

export type SnapshotsRepo = ReturnType<typeof createSnapshotsRepo>;
