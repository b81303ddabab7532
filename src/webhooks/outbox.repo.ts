// The outbox (webhook_deliveries): one row per (hook, event). Any process claims a due row with
// FOR UPDATE SKIP LOCKED and a lease (next_attempt_at moves to the lease's end, so a row whose
// worker died falls due again); a row waits while an earlier live row of its hook shares its
// ordering key, so one conversation's events arrive in order. Every outcome is written only while
// the claim still holds (same lease_until): a worker that outlived its lease cannot overwrite a
// newer claim.
import type { Db } from '../db/prisma.js';
import { enqueueOutbox, type OutboxEntry } from './outbox-writer.repo.js';

export interface ClaimedDelivery {
  id: string;
  storeId: string;
  webhookId: string;
  eventId: string;
  attempts: number;
  leaseUntil: Date;
  /** The retry window counts from here (the enqueue, or the latest replay). */
  retryFrom: Date;
  payload: unknown;
  url: string;
  secretSealed: Uint8Array;
  headersSealed: Uint8Array | null;
  retryBaseMs: number;
  retryMaxAgeMinutes: number;
  /** How the body is written (webhooks.payload_format), and what that format needs. */
  payloadFormat: string;
  formatOptions: unknown;
}

export interface AttemptRecord {
  status?: number;
  error?: string;
  latencyMs: number;
}

type ClaimRow = {
  id: string; store_id: string; webhook_id: string; event_id: string; attempts: number; lease_until: Date; retry_from: Date; payload: unknown;
  url: string; secret_sealed: Uint8Array; headers_sealed: Uint8Array | null; retry_base_ms: number; retry_max_age_minutes: number;
  payload_format: string; format_options: unknown;
};

export type DeliveryRow = {
  id: string; eventId: string; event: string; status: string; attempts: number; responseStatus: number | null; lastError: string | null;
  latencyMs: number | null; nextAttemptAt: Date; deliveredAt: Date | null; createdAt: Date;
};

const DELIVERY_SELECT = { id: true, eventId: true, event: true, status: true, attempts: true, responseStatus: true, lastError: true, latencyMs: true, nextAttemptAt: true, deliveredAt: true, createdAt: true } as const;

export function createOutboxRepo(db: Db, leaseOwner: string) {
  const held = (d: ClaimedDelivery) => ({ id: d.id, status: 'delivering', leaseUntil: d.leaseUntil });

  return {
    /** For each event, one row per enabled hook of its store that asked for it (outbox-writer.repo.ts). Answers the rows added per event. */
    enqueueMany: (entries: readonly OutboxEntry[]): Promise<number[]> => enqueueOutbox(db, entries),

    /**
     * Up to `limit` due deliveries, held until `leaseUntil`: at most one per hook and ordering key
     * (a later one waits for the earlier live one), so a batch may go out all at once.
     */
    async claim(leaseUntil: Date, limit: number): Promise<ClaimedDelivery[]> {
      const rows = await db.$queryRaw<ClaimRow[]>`
        WITH due AS (
          SELECT d.id FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id AND w.active
          WHERE d.status IN ('pending', 'delivering') AND d.next_attempt_at <= now()
            AND (d.ordering_key IS NULL OR NOT EXISTS (
              SELECT 1 FROM webhook_deliveries e
              WHERE e.webhook_id = d.webhook_id AND e.ordering_key = d.ordering_key AND e.status IN ('pending', 'delivering') AND e.seq < d.seq
            ))
          ORDER BY d.next_attempt_at LIMIT ${limit} FOR UPDATE OF d SKIP LOCKED
        )
        UPDATE webhook_deliveries t SET status = 'delivering', lease_owner = ${leaseOwner}, lease_until = ${leaseUntil}, next_attempt_at = ${leaseUntil},
          attempts = t.attempts + 1, updated_at = now()
        FROM due, webhooks w
        WHERE t.id = due.id AND w.id = t.webhook_id
        RETURNING t.id, t.store_id, t.webhook_id, t.event_id, t.attempts, t.lease_until, t.retry_from, t.payload,
          w.url, w.secret_sealed, w.headers_sealed, w.retry_base_ms, w.retry_max_age_minutes, w.payload_format, w.format_options`;
      return rows.map((r) => ({
        id: r.id, storeId: r.store_id, webhookId: r.webhook_id, eventId: r.event_id, attempts: r.attempts, leaseUntil: r.lease_until, retryFrom: r.retry_from, payload: r.payload,
        url: r.url, secretSealed: r.secret_sealed, headersSealed: r.headers_sealed, retryBaseMs: r.retry_base_ms, retryMaxAgeMinutes: r.retry_max_age_minutes,
        payloadFormat: r.payload_format, formatOptions: r.format_options,
      }));
    },

    /**
     * Marks these deliveries delivered, in one statement, each only while its claim still holds;
     * answers per delivery whether it was. lease_owner stays: which process delivered it.
     */
    async deliveredMany(items: readonly { d: ClaimedDelivery; a: AttemptRecord }[]): Promise<boolean[]> {
      const rows = await db.$queryRaw<{ id: string }[]>`
        UPDATE webhook_deliveries t SET status = 'delivered', delivered_at = now(), response_status = u.status, latency_ms = u.latency_ms,
          last_error = NULL, lease_until = NULL, updated_at = now()
        FROM unnest(${items.map((i) => i.d.id)}::text[], ${items.map((i) => i.d.leaseUntil)}::timestamptz[], ${items.map((i) => i.a.status ?? null)}::int[],
                    ${items.map((i) => Math.round(i.a.latencyMs))}::int[]) AS u(id, lease_until, status, latency_ms)
        WHERE t.id = u.id AND t.status = 'delivering' AND t.lease_until = u.lease_until
        RETURNING t.id`;
      const done = new Set(rows.map((r) => r.id));
      return items.map((i) => done.has(i.d.id));
    },

    async retryAt(d: ClaimedDelivery, at: Date, a: AttemptRecord): Promise<boolean> {
      const { count } = await db.webhookDelivery.updateMany({
        where: held(d),
        data: { status: 'pending', nextAttemptAt: at, responseStatus: a.status ?? null, latencyMs: a.latencyMs, lastError: a.error ?? null, leaseOwner: null, leaseUntil: null },
      });
      return count > 0;
    },

    async dead(d: ClaimedDelivery, a: AttemptRecord): Promise<boolean> {
      const { count } = await db.webhookDelivery.updateMany({
        where: held(d),
        data: { status: 'dead', responseStatus: a.status ?? null, latencyMs: a.latencyMs, lastError: a.error ?? null, leaseOwner: null, leaseUntil: null },
      });
      return count > 0;
    },

    list(storeId: string, webhookId: string, q: { status?: string; limit: number; before?: Date }): Promise<DeliveryRow[]> {
      return db.webhookDelivery.findMany({
        where: { storeId, webhookId, ...(q.status ? { status: q.status } : {}), ...(q.before ? { createdAt: { lt: q.before } } : {}) },
        orderBy: [{ createdAt: 'desc' }, { seq: 'desc' }],
        take: q.limit,
        select: DELIVERY_SELECT,
      });
    },

    /** Sends a finished delivery again (same event id): pending now, its attempts and its retry window afresh. */
    async replayOne(storeId: string, webhookId: string, id: string): Promise<DeliveryRow | null> {
      const { count } = await db.webhookDelivery.updateMany({
        where: { storeId, webhookId, id, status: { in: ['dead', 'delivered'] } },
        data: { status: 'pending', nextAttemptAt: new Date(), retryFrom: new Date(), attempts: 0, lastError: null, deliveredAt: null },
      });
      if (!count) return null;
      return db.webhookDelivery.findUnique({ where: { id }, select: DELIVERY_SELECT });
    },

    async replayRange(storeId: string, webhookId: string, from: Date, to: Date, status: 'dead' | 'delivered' | 'any'): Promise<number> {
      const { count } = await db.webhookDelivery.updateMany({
        where: { storeId, webhookId, createdAt: { gte: from, lt: to }, status: status === 'any' ? { in: ['dead', 'delivered'] } : status },
        data: { status: 'pending', nextAttemptAt: new Date(), retryFrom: new Date(), attempts: 0, lastError: null, deliveredAt: null },
      });
      return count;
    },

    exists(storeId: string, webhookId: string, id: string): Promise<boolean> {
      return db.webhookDelivery.count({ where: { storeId, webhookId, id } }).then((n) => n > 0);
    },
  };
}

export type OutboxRepo = ReturnType<typeof createOutboxRepo>;
