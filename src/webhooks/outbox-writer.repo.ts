// Writing events into the outbox from inside the producer's own transaction (or statement), so an
// event's deliveries commit with the data it describes or not at all: one row per enabled hook of
// the event's store that asked for its type (or for *), in the events' order (seq), an event
// already enqueued for a hook adding nothing (unique (webhook_id, event_id)). A hook scoped to a
// slot takes only that slot's events.
//
// Inbound message storage writes `message.received` (and the lead and thread it made) this way, in
// its one statement or its transaction; every other producer through the writer below, handed to
// it as events/committed-events.ts' WriteEventsInTransaction. The bus subscriber
// (webhooks.service.ts) enqueues only what no transaction wrote.
import { LRUCache } from 'lru-cache';
import { Prisma } from '../db/prisma.js';
import type { NamedEvent, WriteEventsInTransaction } from '../events/committed-events.js';
import { toOutboxEvent, WEBHOOK_EVENTS, type OutboxEvent, type WebhookEventName } from './webhook-events.js';

export interface OutboxEntry {
  storeId: string;
  event: OutboxEvent;
}

/**
 * The INSERT of the deliveries for the events of `source`, a relation with the columns store_id,
 * event_id, type, ordering_key, payload (jsonb) and n (their order). Usable as a CTE's body.
 */
export function deliveriesFrom(source: string): string {
  return `INSERT INTO webhook_deliveries (id, store_id, webhook_id, event_id, event, ordering_key, payload, updated_at)
    SELECT gen_random_uuid()::text, w.store_id, w.id, e.event_id, e.type, e.ordering_key, e.payload, now()
    FROM ${source} e
    JOIN webhooks w ON w.store_id = e.store_id AND w.active AND (e.type = ANY (w.events) OR '*' = ANY (w.events))
      AND (w.slot IS NULL OR w.slot = (e.payload->'data'->>'slot')::int)
    ORDER BY e.n
    ON CONFLICT (webhook_id, event_id) DO NOTHING
    RETURNING event_id`;
}

type Runner = { $queryRaw<T = unknown>(query: Prisma.Sql): Prisma.PrismaPromise<T> };

/** Enqueues `entries` on `db` — a transaction's client, to commit with that transaction. Answers the rows added per entry. */
export async function enqueueOutbox(db: Runner, entries: readonly OutboxEntry[]): Promise<number[]> {
  if (!entries.length) return [];
  const column = <T>(pick: (e: OutboxEntry) => T) => entries.map(pick);
  const rows = await db.$queryRaw<{ event_id: string }[]>(Prisma.sql`
    WITH input AS (
      SELECT * FROM unnest(${column((e) => e.storeId)}::text[], ${column((e) => e.event.eventId)}::text[], ${column((e) => e.event.type)}::text[],
                           ${column((e) => e.event.orderingKey)}::text[], ${column((e) => JSON.stringify(e.event.body))}::jsonb[])
        WITH ORDINALITY AS e(store_id, event_id, type, ordering_key, payload, n)
    ), added AS (${Prisma.raw(deliveriesFrom('input'))})
    SELECT event_id FROM added`);
  const added = new Map<string, number>();
  for (const r of rows) added.set(r.event_id, (added.get(r.event_id) ?? 0) + 1);
  return entries.map((e) => added.get(e.event.eventId) ?? 0);
}

const carried = new Set<string>(WEBHOOK_EVENTS);

/**
 * The outbox as producers see it (events/committed-events.ts): the events a hook may ask for,
 * enqueued in the producer's transaction. It remembers (for a minute) the events it wrote rows
 * for, so that when the bus brings the same event after the commit the subscriber wakes the
 * delivery worker instead of inserting again.
 */
export function createOutboxWriter() {
  const written = new LRUCache<string, true>({ max: 10_000, ttl: 60_000 });
  const write: WriteEventsInTransaction = async (tx, events: readonly NamedEvent[]) => {
    const entries = events.filter((e) => carried.has(e.type)).map((e) => ({ storeId: e.event.storeId, event: toOutboxEvent(e.type as WebhookEventName, e.event as never) }));
    const added = await enqueueOutbox(tx as Runner, entries);
    entries.forEach((e, i) => added[i] && written.set(e.event.eventId, true));
  };
  return {
    write,
    /** Whether this process wrote `eventId` in a producer's transaction (answered once). */
    takeWritten: (eventId: string): boolean => written.delete(eventId),
  };
}

export type OutboxWriter = ReturnType<typeof createOutboxWriter>;
