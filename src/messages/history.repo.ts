// The chat history of a new link, stored as past messages: contacts and threads as for live
// messages, many rows per transaction, never a second row for a WhatsApp id already stored.
import type { Db, Prisma } from '../db/prisma.js';
import { findOrCreateContact, threadFor, type InboundRow } from './inbound.repo.js';

/** A history message as a row: an inbound row, or an outbound one (written on the store's phone). */
export interface PastRow extends Omit<InboundRow, 'storeId' | 'slot'> {
  direction: 'inbound' | 'outbound';
}

/** Days of history a store keeps when it never said (the settings row's default). */
export const DEFAULT_HISTORY_DAYS = 7;
/** Rows per transaction: one commit for many, and no transaction long enough to time out. */
const CHUNK = 200;

export function createHistoryRepo(db: Db) {
  return {
    /** The store's history setting in days; 0 = none. */
    async historyDays(storeId: string): Promise<number> {
      const settings = await db.storeSettings.findUnique({ where: { storeId }, select: { historyDays: true } });
      return settings?.historyDays ?? DEFAULT_HISTORY_DAYS;
    },

    /**
     * Stores the rows oldest first (a thread is chosen from the messages before it), skipping
     * ids already stored in that direction; returns how many were new. Past messages count as
     * read: they add nothing to a thread's unread count.
     */
    async storePast(ref: { storeId: string; slot: number }, rows: PastRow[]): Promise<number> {
      const ordered = [...rows].sort((a, b) => a.sentAt.getTime() - b.sentAt.getTime());
      let stored = 0;
      for (let i = 0; i < ordered.length; i += CHUNK) {
        stored += await db.$transaction((tx) => storeChunk(tx, ref, ordered.slice(i, i + CHUNK)), { timeout: 30_000 });
      }
      return stored;
    },
  };
}

async function storeChunk(tx: Prisma.TransactionClient, { storeId, slot }: { storeId: string; slot: number }, rows: PastRow[]) {
  const existing = await tx.message.findMany({
    where: { storeId, slot, waMessageId: { in: rows.map((r) => r.waMessageId) } },
    select: { waMessageId: true, direction: true },
  });
  const seen = new Set(existing.map((m) => `${m.direction} ${m.waMessageId}`));
  const contacts = new Map<string, string>();
  const data: Prisma.MessageCreateManyInput[] = [];
  for (const row of rows) {
    const key = `${row.direction} ${row.waMessageId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const contactId = contacts.get(row.remoteJid) ?? (await findOrCreateContact(tx, { storeId, jidPn: row.jidPn, jidLid: row.jidLid, pushName: row.pushName })).id;
    contacts.set(row.remoteJid, contactId);
    const conversationId = row.isGroup ? null : (await threadFor(tx, storeId, contactId, slot, row.sentAt)).id;
    if (conversationId) {
      await tx.conversation.updateMany({
        where: { id: conversationId, OR: [{ lastMessageAt: null }, { lastMessageAt: { lt: row.sentAt } }] },
        data: { lastMessageAt: row.sentAt },
      });
    }
    data.push({
      storeId,
      slot,
      contactId,
      conversationId,
      waMessageId: row.waMessageId,
      remoteJid: row.remoteJid,
      direction: row.direction,
      type: row.type,
      text: row.text,
      metadata: row.metadata,
      payload: Buffer.from(row.payload),
      status: row.direction === 'inbound' ? 'received' : 'sent',
      sentAt: row.sentAt,
    });
  }
  // skipDuplicates: a live delivery of the same id may commit between the read above and here
  if (data.length) await tx.message.createMany({ data, skipDuplicates: true });
  return data.length;
}

export type HistoryRepo = ReturnType<typeof createHistoryRepo>;
