// The conversations' reads and writes. Closing, reopening and reading are single-row changes
// scoped by store; reopening counts on the one-open-thread-per-contact-and-channel index.
import type { Db } from '../db/prisma.js';
import { writeNoEvents, type NamedEvent, type WriteEventsInTransaction } from '../events/committed-events.js';
import { encodeCursor, type TCursor } from '../http/pagination.js';
import type { TConversationList, TConversationListQuery, TConversationView } from './conversations.schemas.js';

type Row = {
  id: string;
  contactId: string;
  channel: string;
  status: string;
  slot: number | null;
  unreadCount: number;
  startedAt: Date;
  endedAt: Date | null;
  lastMessageAt: Date | null;
};

export const conversationView = (c: Row): TConversationView => ({
  id: c.id,
  contactId: c.contactId,
  channel: c.channel,
  status: c.status as TConversationView['status'],
  slot: c.slot,
  unread: c.unreadCount,
  startedAt: c.startedAt.toISOString(),
  endedAt: c.endedAt?.toISOString() ?? null,
  lastMessageAt: c.lastMessageAt?.toISOString() ?? null,
});

const after = (c: TCursor) => [{ startedAt: { lt: c.at } }, { startedAt: c.at, id: { lt: c.id } }];

/** At most this many unread messages get read receipts at once (one slot command). */
export const RECEIPTS_MAX = 100;

/** `writeEvents`: the webhook outbox, written in a close's or reopen's transaction. */
export function createConversationsRepo(db: Db, writeEvents: WriteEventsInTransaction = writeNoEvents) {
  return {
    async list(storeId: string, q: TConversationListQuery): Promise<TConversationList> {
      const rows = await db.conversation.findMany({
        where: {
          storeId,
          ...(q.contactId ? { contactId: q.contactId } : {}),
          ...(q.status ? { status: q.status } : {}),
          ...(q.channel ? { channel: q.channel } : {}),
          ...(q.cursor ? { OR: after(q.cursor) } : {}),
        },
        orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
        take: q.limit + 1,
      });
      const page = rows.slice(0, q.limit);
      const last = page[page.length - 1];
      return { data: page.map(conversationView), nextCursor: rows.length > q.limit && last ? encodeCursor(last.startedAt, null, last.id) : null };
    },

    find(storeId: string, id: string): Promise<Row | null> {
      return db.conversation.findUnique({ where: { storeId_id: { storeId, id } } });
    },

    /** The contact's other open thread on the channel, which reopening this one would clash with. */
    otherOpen(storeId: string, c: Pick<Row, 'id' | 'contactId' | 'channel'>): Promise<{ id: string } | null> {
      return db.conversation.findFirst({ where: { storeId, contactId: c.contactId, channel: c.channel, status: 'open', id: { not: c.id } }, select: { id: true } });
    },

    /** Closes or reopens it, its event (conversation.closed / .opened) written with it and answered to be emitted. */
    setStatus(storeId: string, id: string, status: 'open' | 'closed'): Promise<{ conversation: Row; events: NamedEvent[] }> {
      return db.$transaction(async (tx) => {
        const at = new Date();
        const conversation = await tx.conversation.update({ where: { storeId_id: { storeId, id } }, data: { status, endedAt: status === 'closed' ? at : null } });
        const type = status === 'closed' ? 'conversation.closed' : 'conversation.opened';
        const events: NamedEvent[] = [{ type, event: { storeId, conversationId: id, contactId: conversation.contactId, channel: conversation.channel, source: 'api', at } }];
        await writeEvents(tx, events);
        return { conversation, events };
      });
    },

    /**
     * Unread back to zero; answers the unread inbound messages (newest first, as many as were
     * unread, at most RECEIPTS_MAX) for read receipts. Null when the store has no such conversation.
     */
    async markRead(storeId: string, id: string): Promise<{ conversation: Row; unread: { slot: number | null; remoteJid: string; waMessageId: string }[] } | null> {
      return db.$transaction(async (tx) => {
        const before = await tx.conversation.findUnique({ where: { storeId_id: { storeId, id } }, select: { unreadCount: true } });
        if (!before) return null;
        const unread = before.unreadCount
          ? await tx.message.findMany({
              where: { storeId, conversationId: id, direction: 'inbound' },
              orderBy: [{ sentAt: 'desc' }, { createdAt: 'desc' }],
              take: Math.min(before.unreadCount, RECEIPTS_MAX),
              select: { slot: true, remoteJid: true, waMessageId: true },
            })
          : [];
        const conversation = await tx.conversation.update({ where: { storeId_id: { storeId, id } }, data: { unreadCount: 0 } });
        return { conversation, unread };
      });
    },

    /**
     * Reading named inbound messages of a slot, as WhatsApp reads: a message read reads the ones
     * before it in its thread, so each thread keeps unread only what came after its newest read
     * message. The threads are locked before counting, so a message stored meanwhile either is
     * counted or adds its unread after this. Answers the messages found (the chat each came in).
     */
    async markReadUpTo(storeId: string, slot: number, waMessageIds: string[]): Promise<{ remoteJid: string; waMessageId: string }[]> {
      if (!waMessageIds.length) return [];
      return db.$transaction(async (tx) => {
        const found = await tx.$queryRaw<{ conversation_id: string | null; remote_jid: string; wa_message_id: string }[]>`
          SELECT conversation_id, remote_jid, wa_message_id FROM messages
          WHERE store_id = ${storeId} AND slot = ${slot} AND direction = 'inbound' AND wa_message_id = ANY(${waMessageIds}::text[])`;
        const threads = [...new Set(found.flatMap((m) => (m.conversation_id ? [m.conversation_id] : [])))].sort();
        if (threads.length) {
          await tx.$queryRaw`SELECT id FROM conversations WHERE store_id = ${storeId} AND id = ANY(${threads}::text[]) ORDER BY id FOR UPDATE`;
          await tx.$executeRaw`
            WITH newest_read AS (
              SELECT DISTINCT ON (conversation_id) conversation_id, sent_at, created_at FROM messages
              WHERE store_id = ${storeId} AND slot = ${slot} AND direction = 'inbound' AND wa_message_id = ANY(${waMessageIds}::text[])
                AND conversation_id = ANY(${threads}::text[])
              ORDER BY conversation_id, sent_at DESC, created_at DESC
            )
            UPDATE conversations c SET unread_count = LEAST(c.unread_count, (
              SELECT count(*)::int FROM messages later
              WHERE later.store_id = c.store_id AND later.conversation_id = c.id AND later.direction = 'inbound'
                AND (later.sent_at, later.created_at) > (r.sent_at, r.created_at)))
            FROM newest_read r WHERE c.store_id = ${storeId} AND c.id = r.conversation_id`;
        }
        return found.map((m) => ({ remoteJid: m.remote_jid, waMessageId: m.wa_message_id }));
      });
    },

    /** The person a WhatsApp send into the thread goes to. */
    contactOf(storeId: string, contactId: string): Promise<{ jidPn: string | null; jidLid: string | null } | null> {
      return db.contact.findUnique({ where: { storeId_id: { storeId, id: contactId } }, select: { jidPn: true, jidLid: true } });
    },
  };
}

export type ConversationsRepo = ReturnType<typeof createConversationsRepo>;
