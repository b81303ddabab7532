// The store's own messages as WhatsApp reports them (`message.sent`): typed on the phone itself,
// or this daemon's sends echoed back by Baileys. Those the send queue already stored are skipped
// by their WhatsApp id; the rest become outbound rows of the contact's conversation, in one
// transaction with the contact and the thread, as inbound messages are. The event's webhook
// deliveries (and those of the lead and thread it made) are written in that transaction too.
import type { Db, Prisma } from '../db/prisma.js';
import { writeNoEvents, type NamedEvent, type WriteEventsInTransaction } from '../events/committed-events.js';
import type { MessageSentEvent } from '../events/domain-events.js';
import { findOrCreateContact, threadFor } from './inbound.repo.js';
import { madeEvents, type MadeEvent } from './records-made.js';

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
  /** The events of what it made, as written with it: to emit on the bus after the commit. */
  madeEvents: MadeEvent[];
}

/** The event as a webhook tells it: with the stored row, its contact and thread (ordered by the thread). */
const sentEvent = (e: MessageSentEvent, ids: { messageId: string; contactId?: string | null; conversationId?: string | null }): NamedEvent => ({
  type: 'message.sent',
  event: { ...e, messageId: ids.messageId, contactId: ids.contactId ?? null, conversationId: ids.conversationId ?? null } as MessageSentEvent,
});

/** `writeEvents`: the webhook outbox. */
export function createOwnMessagesRepo(db: Db, writeEvents: WriteEventsInTransaction = writeNoEvents) {
  return {
    /** Stores the row unless it is there; `event` (the bus's, if given) is written to the outbox with it either way. */
    async store(row: OwnRow, event?: MessageSentEvent): Promise<StoredOwn> {
      return db.$transaction(async (tx) => {
        const existing = await tx.message.findUnique({
          where: { storeId_slot_direction_waMessageId: { storeId: row.storeId, slot: row.slot, direction: 'outbound', waMessageId: row.waMessageId } },
          select: { id: true, contactId: true, conversationId: true },
        });
        if (existing) {
          // The queue's own send, echoed: its row is the queue's; the event is this one.
          if (event) await writeEvents(tx, [sentEvent(event, { messageId: existing.id, ...existing })]);
          return { stored: false, messageId: existing.id, madeEvents: [] };
        }
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
        const made = madeEvents({ storeId: row.storeId, contactId, conversationId, made: { contact: contact?.made ?? false, conversation: thread?.made ?? false } });
        await writeEvents(tx, [...made, ...(event ? [sentEvent(event, { messageId: message.id, contactId, conversationId })] : [])]);
        return { stored: true, messageId: message.id, contactId, conversationId, madeEvents: made };
      });
    },
  };
}

export type OwnMessagesRepo = ReturnType<typeof createOwnMessagesRepo>;
