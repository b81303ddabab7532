// The inbox's reads: open threads newest first with their last message, and one thread's
// messages newest first. Keyset pagination on (time, id): stable while new messages arrive.
import type { Db, Prisma } from '../db/prisma.js';
import { encodeCursor, mediaPath, type TConversationPage, type TCursor, type TInboxPage, type TInboxQuery } from './messages.schemas.js';

type MediaRow = { status: string; mimetype: string | null; size: bigint | null; sha256: string | null } | null;
type TMediaView = TConversationPage['messages'][number]['media'];

const mediaView = (m: MediaRow): TMediaView =>
  m ? { status: m.status as NonNullable<TMediaView>['status'], mimetype: m.mimetype, size: m.size === null ? null : Number(m.size), sha256: m.sha256 } : null;

const CONTACT = { id: true, name: true, pushName: true, phone: true, jidPn: true, jidLid: true } as const;

/** Newest first: WhatsApp's time (whole seconds), then arrival, then id. */
const MESSAGE_ORDER = [{ sentAt: 'desc' }, { createdAt: 'desc' }, { id: 'desc' }] as const satisfies Prisma.MessageOrderByWithRelationInput[];

/** Messages after the cursor's position in MESSAGE_ORDER. */
function afterMessage(c: TCursor): Prisma.MessageWhereInput[] {
  const then = c.then ?? c.at;
  return [
    { sentAt: { lt: c.at } },
    { sentAt: c.at, createdAt: { lt: then } },
    { sentAt: c.at, createdAt: then, id: { lt: c.id } },
  ];
}

type Snippet = { id: string; type: string; text: string | null; direction: string };

/**
 * The newest message of each conversation: one index probe per conversation (a LATERAL with
 * LIMIT 1). Prisma's `include: { messages: { take: 1 } }` reads every message of the page's
 * conversations and keeps one per thread in memory: thousands of rows for a busy store's inbox.
 */
async function lastMessages(db: Db, storeId: string, conversationIds: string[]): Promise<Map<string, Snippet>> {
  if (!conversationIds.length) return new Map();
  const rows = await db.$queryRaw<Array<Snippet & { conversation_id: string }>>`
    SELECT c.id AS conversation_id, m.id, m.type, m.text, m.direction
    FROM unnest(${conversationIds}::text[]) AS c(id)
    CROSS JOIN LATERAL (
      SELECT id, type, text, direction FROM messages
      WHERE store_id = ${storeId} AND conversation_id = c.id
      ORDER BY sent_at DESC, created_at DESC, id DESC LIMIT 1
    ) m`;
  return new Map(rows.map(({ conversation_id, ...m }) => [conversation_id, m]));
}

export function createInboxRepo(db: Db) {
  return {
    async openConversations(storeId: string, query: TInboxQuery): Promise<TInboxPage> {
      const { limit, cursor } = query;
      const rows = await db.conversation.findMany({
        where: {
          storeId,
          status: 'open',
          ...(query.unread ? { unreadCount: { gt: 0 } } : {}),
          ...(query.channel ? { channel: query.channel } : {}),
          ...(query.slot ? { slot: query.slot } : {}),
          ...(cursor ? { OR: [{ lastMessageAt: { lt: cursor.at } }, { lastMessageAt: cursor.at, id: { lt: cursor.id } }] } : {}),
        },
        orderBy: [{ lastMessageAt: { sort: 'desc', nulls: 'last' } }, { id: 'desc' }],
        take: limit + 1,
        include: { contact: { select: CONTACT } },
      });
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      const snippets = await lastMessages(db, storeId, page.map((c) => c.id));
      return {
        data: page.map((c) => ({
          conversationId: c.id,
          channel: c.channel,
          contact: c.contact,
          slot: c.slot,
          unread: c.unreadCount,
          lastMessageAt: c.lastMessageAt?.toISOString() ?? null,
          lastMessage: snippets.get(c.id) ?? null,
        })),
        nextCursor: rows.length > limit && last?.lastMessageAt ? encodeCursor(last.lastMessageAt, null, last.id) : null,
      };
    },

    /** Where a message of the store is: its conversation and its place there (the inbox's order). */
    async locate(storeId: string, id: string): Promise<{ conversationId: string; sentAt: Date; createdAt: Date } | null> {
      const row = await db.message.findUnique({ where: { storeId_id: { storeId, id } }, select: { conversationId: true, sentAt: true, createdAt: true } });
      return row?.conversationId ? { conversationId: row.conversationId, sentAt: row.sentAt, createdAt: row.createdAt } : null;
    },

    async conversationWithMessages(storeId: string, id: string, limit: number, cursor: TCursor | undefined): Promise<TConversationPage | null> {
      const conversation = await db.conversation.findUnique({ where: { storeId_id: { storeId, id } }, include: { contact: { select: CONTACT } } });
      if (!conversation) return null;
      const rows = await db.message.findMany({
        where: {
          storeId,
          conversationId: id,
          ...(cursor ? { OR: afterMessage(cursor) } : {}),
        },
        // WhatsApp's timestamps are whole seconds: arrival (created_at) orders messages within one.
        orderBy: MESSAGE_ORDER,
        take: limit + 1,
        select: {
          id: true, channel: true, slot: true, direction: true, type: true, text: true, status: true, metadata: true, sentAt: true, createdAt: true,
          media: { select: { status: true, mimetype: true, size: true, sha256: true } },
        },
      });
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return {
        conversation: {
          id: conversation.id,
          channel: conversation.channel,
          status: conversation.status,
          slot: conversation.slot,
          unread: conversation.unreadCount,
          startedAt: conversation.startedAt.toISOString(),
          lastMessageAt: conversation.lastMessageAt?.toISOString() ?? null,
          contact: conversation.contact,
        },
        messages: page.map(({ createdAt: _createdAt, media, ...m }) => ({
          ...m,
          metadata: (m.metadata ?? {}) as Record<string, unknown>,
          sentAt: m.sentAt.toISOString(),
          media: mediaView(media),
          mediaUrl: media?.status === 'stored' ? mediaPath(storeId, m.id) : null,
        })),
        nextCursor: rows.length > limit && last ? encodeCursor(last.sentAt, last.createdAt, last.id) : null,
      };
    },
  };
}

export type InboxRepo = ReturnType<typeof createInboxRepo>;
