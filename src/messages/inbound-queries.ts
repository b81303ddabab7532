// The inbound hot path in one statement: a known person (exactly one contact, nothing to fill in)
// writing into their open, recent thread — nearly every message once a chat is going. The row,
// the thread's unread count and last-message time commit together, atomically, in one round
// trip instead of an interactive transaction's eight, and the messages of every slot that arrive
// together share that statement and its commit (inbound.repo.ts batches them). Anything else (a
// new person, a second address to record, a new push name, a thread to open or reopen, a group)
// answers `null` and inbound.repo.ts takes the general path. The message's webhook event
// (message.received, named by its conversation) is written to the outbox in the same statement.
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { deliveriesFrom, type OutboxEvent } from '../webhooks/index.js';
import type { InboundRow, StoredInbound } from './inbound-row.js';

let counter = 0;
const fingerprint = randomBytes(2).toString('hex');

/**
 * An id shaped like Prisma's cuid() (`c`, the time, a counter, a process mark, randomness), so
 * rows written here sort among Prisma's by creation as the cursors expect.
 */
export function newRowId(): string {
  counter = (counter + 1) % 36 ** 4;
  return `c${Date.now().toString(36).padStart(8, '0')}${counter.toString(36).padStart(4, '0')}${fingerprint}${randomBytes(6).toString('hex').slice(0, 8)}`;
}

// Every row of the batch is one element of each array; a row qualifies when its person is exactly
// one contact that already holds what the row says (addresses, push name) and that person's
// latest thread is open and recent. The thread counters add up per thread: one contact's several
// messages in a batch (two slots at once) count each.
const STORE_KNOWN = `
WITH input AS (
  SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[],
                       $8::text[], $9::text[], $10::text[], $11::text[], $12::jsonb[], $13::bytea[], $14::bool[], $15::text[], $16::jsonb[])
    WITH ORDINALITY AS i(store_id, slot, jid_pn, jid_lid, push_name, id, sent_at, wa_message_id, remote_jid, type, text, metadata, payload, is_group, event_id, event_body, n)
), eligible AS (
  SELECT i.*, person.contact_id, latest.conversation_id
  FROM input i
  CROSS JOIN LATERAL (
    SELECT min(f.id) AS contact_id, count(*) AS found,
           bool_and((i.jid_pn IS NULL OR f.jid_pn = i.jid_pn) AND (i.jid_lid IS NULL OR f.jid_lid = i.jid_lid)
                    AND (i.push_name IS NULL OR f.push_name = i.push_name)) AS exact
    FROM (SELECT id, jid_pn, jid_lid, push_name FROM contacts
          WHERE store_id = i.store_id AND (jid_pn = i.jid_pn OR jid_lid = i.jid_lid) LIMIT 2) f
  ) person
  CROSS JOIN LATERAL (
    SELECT c.id AS conversation_id, c.status, COALESCE(c.last_message_at, c.started_at) AS last_at
    FROM conversations c WHERE c.store_id = i.store_id AND c.contact_id = person.contact_id AND c.channel = 'whatsapp'
    ORDER BY c.status = 'open' DESC, c.started_at DESC LIMIT 1 -- the open one first, as threadFor
  ) latest
  WHERE NOT i.is_group AND person.found = 1 AND person.exact AND latest.status = 'open' AND i.sent_at - latest.last_at < interval '24 hours'
), inserted AS (
  INSERT INTO messages (id, store_id, slot, contact_id, conversation_id, wa_message_id, remote_jid, direction, type, text, metadata, payload, status, sent_at, created_at, updated_at)
  SELECT id, store_id, slot, contact_id, conversation_id, wa_message_id, remote_jid, 'inbound', type, text, metadata, payload, 'received', sent_at, now(), now()
  FROM eligible
  ON CONFLICT (store_id, slot, direction, wa_message_id) DO NOTHING
  RETURNING id, conversation_id, slot, sent_at
), counted AS (
  UPDATE conversations c
  SET unread_count = c.unread_count + t.messages, slot = t.slot, last_message_at = GREATEST(c.last_message_at, t.newest)
  FROM (
    SELECT conversation_id, count(*) AS messages, max(sent_at) AS newest, (array_agg(slot ORDER BY id DESC))[1] AS slot
    FROM inserted GROUP BY conversation_id
  ) t
  WHERE c.id = t.conversation_id
), events AS (
  -- As withStoredMessage (webhook-events.ts) names a message stored on the general path.
  SELECT e.store_id, e.event_id, 'message.received' AS type, 'conversation:' || e.conversation_id AS ordering_key, e.n,
         jsonb_set(e.event_body, '{data}', (e.event_body -> 'data') || jsonb_build_object('messageId', e.id, 'contactId', e.contact_id, 'conversationId', e.conversation_id)) AS payload
  FROM eligible e JOIN inserted USING (id) WHERE e.event_id IS NOT NULL
), queued AS (
  ${deliveriesFrom('events')}
)
SELECT e.id, e.contact_id, e.conversation_id, (SELECT count(*)::int FROM queued q WHERE q.event_id = e.event_id) AS queued
FROM eligible e JOIN inserted USING (id)`;

/**
 * Stores each row whose person and thread are already there as they should be, in one statement
 * for the whole batch, with its webhook event (`events[i]`, if any). Per row: what was stored, or
 * `null` when the general path must decide (nothing was written for it then: a new person, a
 * thread to open, a redelivery).
 */
export async function storeKnownInbound(pool: pg.Pool, rows: readonly InboundRow[], events: ReadonlyArray<OutboxEvent | null> = []): Promise<Array<StoredInbound | null>> {
  const ids = rows.map(() => newRowId());
  const column = <T>(pick: (row: InboundRow) => T) => rows.map(pick);
  const { rows: stored } = await pool.query<{ id: string; contact_id: string; conversation_id: string; queued: number }>(STORE_KNOWN, [
    column((r) => r.storeId),
    column((r) => r.slot),
    column((r) => r.jidPn),
    column((r) => r.jidLid),
    column((r) => r.pushName),
    ids,
    column((r) => r.sentAt),
    column((r) => r.waMessageId),
    column((r) => r.remoteJid),
    column((r) => r.type),
    column((r) => r.text),
    column((r) => JSON.stringify(r.metadata)),
    column((r) => Buffer.from(r.payload)),
    column((r) => r.isGroup), // a group message has no thread: always the general path
    rows.map((_, i) => events[i]?.eventId ?? null),
    rows.map((_, i) => (events[i] ? JSON.stringify(events[i].body) : null)),
  ]);
  const byId = new Map(stored.map((s) => [s.id, s]));
  return ids.map((id) => {
    const s = byId.get(id);
    return s ? { stored: true, messageId: s.id, contactId: s.contact_id, conversationId: s.conversation_id, outboxRows: s.queued } : null;
  });
}
