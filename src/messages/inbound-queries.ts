// The inbound hot path in one statement: a known person (exactly one contact, nothing to fill in)
// writing into their open, recent thread — nearly every message once a chat is going. The row,
// the thread's unread count and last-message time commit together, atomically, in one round
// trip instead of an interactive transaction's eight. Anything else (a new person, a second
// address to record, a new push name, a thread to open or reopen, a group) answers `null` and
// inbound.repo.ts takes the general path.
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
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

const STORE_KNOWN = `
WITH found AS (
  SELECT id, jid_pn, jid_lid, push_name FROM contacts
  WHERE store_id = $1 AND (jid_pn = $2 OR jid_lid = $3)
  LIMIT 2
), person AS (
  SELECT id FROM found
  WHERE (SELECT count(*) FROM found) = 1
    AND ($2::text IS NULL OR jid_pn = $2) AND ($3::text IS NULL OR jid_lid = $3)
    AND ($4::text IS NULL OR push_name = $4)
), latest AS (
  SELECT c.id, c.status, c.last_message_at, c.started_at FROM conversations c, person
  WHERE c.store_id = $1 AND c.contact_id = person.id
  ORDER BY c.started_at DESC LIMIT 1
), thread AS (
  SELECT id FROM latest WHERE status = 'open' AND $5::timestamptz - COALESCE(last_message_at, started_at) < interval '24 hours'
), inserted AS (
  INSERT INTO messages (id, store_id, slot, contact_id, conversation_id, wa_message_id, remote_jid, direction, type, text, metadata, payload, status, sent_at, created_at, updated_at)
  SELECT $6, $1, $7, person.id, thread.id, $8, $9, 'inbound', $10, $11, $12::jsonb, $13, 'received', $5, now(), now()
  FROM person, thread
  ON CONFLICT (store_id, slot, direction, wa_message_id) DO NOTHING
  RETURNING id, conversation_id
), counted AS (
  UPDATE conversations SET unread_count = unread_count + 1, slot = $7, last_message_at = GREATEST(last_message_at, $5::timestamptz)
  WHERE id = (SELECT conversation_id FROM inserted)
)
SELECT (SELECT id FROM inserted) AS message_id, (SELECT id FROM person) AS contact_id, (SELECT id FROM thread) AS conversation_id`;

/**
 * Stores the message if its person and thread are already there as they should be; `null` when
 * the general path must decide (nothing was written then), `stored: false` for a redelivery.
 */
export async function storeKnownInbound(pool: pg.Pool, row: InboundRow): Promise<StoredInbound | null> {
  if (row.isGroup) return null;
  const { rows } = await pool.query<{ message_id: string | null; contact_id: string | null; conversation_id: string | null }>(STORE_KNOWN, [
    row.storeId,
    row.jidPn,
    row.jidLid,
    row.pushName,
    row.sentAt,
    newRowId(),
    row.slot,
    row.waMessageId,
    row.remoteJid,
    row.type,
    row.text,
    JSON.stringify(row.metadata),
    Buffer.from(row.payload),
  ]);
  const result = rows[0];
  if (!result?.contact_id || !result.conversation_id) return null;
  if (result.message_id) return { stored: true, messageId: result.message_id, contactId: result.contact_id, conversationId: result.conversation_id };
  // The row was there already: a redelivery (the general path finds and reports it).
  return null;
}
