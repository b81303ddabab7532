// The store's own messages as WhatsApp reports them (`message.sent`): typed on the phone itself,
// or this daemon's sends echoed back by Baileys. Those the send queue already stored are skipped
// by their WhatsApp id; the rest become outbound rows of the contact's conversation, in one
// transaction with the contact and the thread, as inbound messages are.
import type { Db, Prisma } from '../db/prisma.js';
import { findOrCreateContact, threadFor } from './inbound.repo.js';

export interface OwnRow {
  storeId: string;
  slot: number;
  waMessageId: string;
  remoteJid: string;
  /** The contact's two addresses, as far as WhatsApp told us (none for a group). */
  jidPn: string | null;
  jidLid: string | null;
  type: string;
  text: string | null;
  metadata: Prisma.InputJsonObject;
  payload: Uint8Array;
  sentAt: Date;
  /** Our line in a group: kept, but no contact and no thread (as the bot ignores groups). */
  isGroup: boolean;
}

export interface StoredOwn {
  /** False when a row with this WhatsApp id was there already (the queue's own send, a redelivery). */
  stored: boolean;
  messageId: string;
  contactId?: string | null;
  conversationId?: string | null;
  /** What storing it made: a new contact, a thread opened or reopened. */
  made?: { contact: boolean; conversation: boolean };
}

export function createOwnMessagesRepo(db: Db) {
  return {
    async store(row: OwnRow): Promise<StoredOwn> {
      return db.$transaction(async (tx) => {
        const existing = await tx.message.findUnique({
          where: { storeId_slot_direction_waMessageId: { storeId: row.storeId, slot: row.slot, direction: 'outbound', waMessageId: row.waMessageId } },
          select: { id: true },
        });
        if (existing) return { stored: false, messageId: existing.id };
        // Our own message carries our push name, not the contact's: the contact's stays as it was.
        const contact = row.isGroup ? null : await findOrCreateContact(tx, { storeId: row.storeId, jidPn: row.jidPn, jidLid: row.jidLid, pushName: null });
        const thread = contact ? await threadFor(tx, row.storeId, contact.id, row.slot, row.sentAt) : null;
        const [contactId, conversationId] = [contact?.id ?? null, thread?.id ?? null];
        const message = await tx.message.create({
          data: {
            storeId: row.storeId,
            slot: row.slot,
            contactId,
            conversationId,
            waMessageId: row.waMessageId,
            remoteJid: row.remoteJid,
            direction: 'outbound',
            type: row.type,
            text: row.text,
            metadata: row.metadata,
            payload: Buffer.from(row.payload),
            status: 'sent',
            sentAt: row.sentAt,
          },
          select: { id: true },
        });
        await tx.messageStatusEvent.create({ data: { storeId: row.storeId, messageId: message.id, status: 'sent' } });
        if (conversationId) {
          // Answering on the phone is reading the chat, as a send from the dashboard is.
          await tx.conversation.update({ where: { id: conversationId }, data: { unreadCount: 0 } });
          await tx.conversation.updateMany({
            where: { id: conversationId, OR: [{ lastMessageAt: null }, { lastMessageAt: { lt: row.sentAt } }] },
            data: { lastMessageAt: row.sentAt },
          });
        }
        return { stored: true, messageId: message.id, contactId, conversationId, made: { contact: contact?.made ?? false, conversation: thread?.made ?? false } };
      });
    },
  };
}

export type OwnMessagesRepo = ReturnType<typeof createOwnMessagesRepo>;
