// The reads behind Evolution's chat routes, over Drin's contacts, conversations and messages: one
// slot's messages a page at a time (Evolution pages by number, not by cursor), the slot's chats (a
// contact's threads whose last message was on the slot, one entry per contact), and the names of
// known numbers. Every query is scoped by store and slot.
import { Prisma, type Db } from '../../db/prisma.js';

/** A stored message as Evolution's records show it. */
export interface StoredMessage {
  id: string;
  waMessageId: string;
  remoteJid: string;
  direction: string;
  type: string;
  text: string | null;
  metadata: unknown;
  status: string;
  sentAt: Date;
  pushName: string | null;
}

export interface ChatRow {
  contactId: string;
  jidPn: string | null;
  jidLid: string | null;
  pushName: string | null;
  name: string | null;
  lastMessageAt: Date | null;
  unread: number;
  last: StoredMessage | null;
}

export interface MessageFilter {
  id?: string;
  waMessageId?: string;
  /** The chat's JIDs (a contact's PN and LID are one chat). */
  remoteJids?: string[];
  fromMe?: boolean;
}

/** Newest first: WhatsApp's time (whole seconds), then arrival, then id (the inbox's order). */
const NEWEST_FIRST = [{ sentAt: 'desc' }, { createdAt: 'desc' }, { id: 'desc' }] as const satisfies Prisma.MessageOrderByWithRelationInput[];

type RawChat = {
  contact_id: string; jid_pn: string | null; jid_lid: string | null; push_name: string | null; name: string | null; last_message_at: Date | null; unread: number;
  message_id: string | null; wa_message_id: string; remote_jid: string; direction: string; type: string; text: string | null; metadata: unknown; status: string; sent_at: Date;
};

export function createChatRepo(db: Db) {
  return {
    /** The JIDs one chat goes by: the one named and, when it is a contact's, their other one. */
    async chatJids(storeId: string, jid: string): Promise<string[]> {
      const contact = await db.contact.findFirst({ where: { storeId, OR: [{ jidPn: jid }, { jidLid: jid }] }, select: { jidPn: true, jidLid: true } });
      return [...new Set([jid, contact?.jidPn, contact?.jidLid].filter((j): j is string => Boolean(j)))];
    },

    /** The WhatsApp names of the store's contacts at these phone-number JIDs. */
    async namesOf(storeId: string, jids: string[]): Promise<Map<string, string>> {
      const rows = await db.contact.findMany({ where: { storeId, jidPn: { in: jids } }, select: { jidPn: true, pushName: true, name: true } });
      return new Map(rows.flatMap((c) => (c.jidPn && (c.pushName ?? c.name) ? [[c.jidPn, (c.pushName ?? c.name)!]] : [])));
    },

    async messages(storeId: string, slot: number, f: MessageFilter, page: { skip: number; take: number }) {
      const where: Prisma.MessageWhereInput = {
        storeId,
        slot,
        ...(f.id ? { id: f.id } : {}),
        ...(f.waMessageId ? { waMessageId: f.waMessageId } : {}),
        ...(f.remoteJids ? { remoteJid: { in: f.remoteJids } } : {}),
        ...(f.fromMe === undefined ? {} : { direction: f.fromMe ? 'outbound' : 'inbound' }),
      };
      const [total, rows] = await Promise.all([
        db.message.count({ where }),
        db.message.findMany({
          where,
          orderBy: NEWEST_FIRST,
          ...page,
          select: {
            id: true, waMessageId: true, remoteJid: true, direction: true, type: true, text: true, metadata: true, status: true, sentAt: true,
            contact: { select: { pushName: true } },
            statusEvents: { select: { status: true }, orderBy: { at: 'asc' } },
          },
        }),
      ]);
      return { total, rows: rows.map(({ contact, statusEvents, ...m }) => ({ ...m, pushName: contact?.pushName ?? null, receipts: statusEvents.map((e) => e.status) })) };
    },

    /**
     * The slot's chats, newest first: per contact, the newest of their threads whose last message
     * was on the slot, with its last message and the unread of those threads together.
     */
    async chats(storeId: string, slot: number, jid: string | undefined, page: { skip: number; take: number }): Promise<ChatRow[]> {
      const ofChat = jid
        ? Prisma.sql`AND c.contact_id IN (SELECT id FROM contacts WHERE store_id = ${storeId} AND (jid_pn = ${jid} OR jid_lid = ${jid}))`
        : Prisma.empty;
      const rows = await db.$queryRaw<RawChat[]>`
        WITH chats AS (
          SELECT DISTINCT ON (c.contact_id) c.id, c.contact_id, c.last_message_at,
            (sum(c.unread_count) OVER (PARTITION BY c.contact_id))::int AS unread
          FROM conversations c
          WHERE c.store_id = ${storeId} AND c.channel = 'whatsapp' AND c.slot = ${slot} ${ofChat}
          ORDER BY c.contact_id, c.last_message_at DESC NULLS LAST, c.id DESC
        )
        SELECT ch.contact_id, ct.jid_pn, ct.jid_lid, ct.push_name, ct.name, ch.last_message_at, ch.unread,
          m.id AS message_id, m.wa_message_id, m.remote_jid, m.direction, m.type, m.text, m.metadata, m.status, m.sent_at
        FROM chats ch
        JOIN contacts ct ON ct.store_id = ${storeId} AND ct.id = ch.contact_id
        LEFT JOIN LATERAL (
          SELECT id, wa_message_id, remote_jid, direction, type, text, metadata, status, sent_at FROM messages
          WHERE store_id = ${storeId} AND conversation_id = ch.id
          ORDER BY sent_at DESC, created_at DESC, id DESC LIMIT 1
        ) m ON true
        ORDER BY ch.last_message_at DESC NULLS LAST, ch.id DESC
        LIMIT ${page.take} OFFSET ${page.skip}`;
      return rows.map((r) => ({
        contactId: r.contact_id,
        jidPn: r.jid_pn,
        jidLid: r.jid_lid,
        pushName: r.push_name,
        name: r.name,
        lastMessageAt: r.last_message_at,
        unread: r.unread,
        last: r.message_id
          ? { id: r.message_id, waMessageId: r.wa_message_id, remoteJid: r.remote_jid, direction: r.direction, type: r.type, text: r.text, metadata: r.metadata, status: r.status, sentAt: r.sent_at, pushName: r.push_name }
          : null,
      }));
    },
  };
}

export type ChatRepo = ReturnType<typeof createChatRepo>;
