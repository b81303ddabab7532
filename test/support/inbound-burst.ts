// Bursts of inbound messages from simulator contacts, and what of them the daemon stored: for the
// durability and scale tests, which compare what was sent with the messages rows.
import type pg from 'pg';
import type { FakeContact } from '../wa-sim/index.js';

export interface SentMessage {
  id: string;
  text: string;
  contact: FakeContact;
}

export interface Burst {
  /** Every message sent so far, in send order per contact. */
  sent: SentMessage[];
  /** Resolves once every contact has sent all of its messages. */
  done: Promise<void>;
}

export interface BurstOptions {
  prefix?: string;
  /** Awaited before each message: lets a test keep the burst no faster than the daemon stores. */
  throttle?: (sent: readonly SentMessage[]) => Promise<void>;
}

/** Each contact sends `perContact` texts `${prefix} <contact> <n>` in sequence; the contacts run concurrently. */
export function startBurst(contacts: FakeContact[], perContact: number, { prefix = 'msg', throttle }: BurstOptions = {}): Burst {
  const sent: SentMessage[] = [];
  const done = Promise.all(
    contacts.map(async (contact, c) => {
      for (let n = 1; n <= perContact; n++) {
        await throttle?.(sent);
        const text = `${prefix} ${c} ${n}`;
        sent.push({ id: await contact.sendText(text), text, contact });
      }
    }),
  ).then(() => undefined);
  return { sent, done };
}

export interface StoredRow {
  storeId: string;
  slot: number;
  waMessageId: string;
  text: string | null;
  remoteJid: string;
  conversationId: string | null;
}

/** The inbound rows of these stores, in each conversation's stored order (sent_at, then insertion). */
export async function inboundRows(pool: pg.Pool, storeIds: string[]): Promise<StoredRow[]> {
  const { rows } = await pool.query(
    `SELECT store_id AS "storeId", slot, wa_message_id AS "waMessageId", text, remote_jid AS "remoteJid", conversation_id AS "conversationId"
       FROM messages WHERE store_id = ANY($1) AND direction = 'inbound'
      ORDER BY store_id, conversation_id, sent_at, created_at, id`,
    [storeIds],
  );
  return rows;
}

export async function inboundCount(pool: pg.Pool, storeIds: string[]): Promise<number> {
  const { rows } = await pool.query(`SELECT count(*)::int AS n FROM messages WHERE store_id = ANY($1) AND direction = 'inbound'`, [storeIds]);
  return rows[0].n;
}

/** Ids the client receipted (any receipt but a retry request: WhatsApp then considers them delivered). */
export function receiptedIds(contacts: FakeContact[]): Set<string> {
  return new Set(contacts.flatMap((c) => c.clientReceipts.peekAll().filter((r) => r.type !== 'retry').map((r) => r.id)));
}

/** Duplicate keys among rows: (store, slot, WhatsApp id) seen more than once. */
export function duplicateKeys(rows: StoredRow[]): string[] {
  const seen = new Map<string, number>();
  for (const r of rows) {
    const key = `${r.storeId} ${r.slot} ${r.waMessageId}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  return [...seen].filter(([, n]) => n > 1).map(([k]) => k);
}
