// Evolution's chat routes over Drin's own services and records, on the instance's slot: the
// number check is outbound's (asked on the slot's socket), reading is the conversations domain's
// (the threads' unread counts, read receipts by the slot's owner), and the message and chat lists
// are read from the store's CRM in Evolution's record shapes.
import { AppError, ErrorCode } from '../../kernel/index.js';
import type { ConversationsService } from '../../conversations/index.js';
import type { OutboundService } from '../../outbound/index.js';
import type { TEvolutionStatus, TFindChats, TFindMessages, TReadMessages, TRecord, TWhatsAppNumbers } from './chat.schemas.js';
import type { ChatRepo, StoredMessage } from './chat.repo.js';
import { messageOf } from './evolution-payloads.js';
import type { InstanceRow } from './instances.repo.js';

/** Drin's message statuses (and its receipts' statuses) in Evolution's words. */
const STATUS: Record<string, TEvolutionStatus> = {
  queued: 'PENDING', sending: 'PENDING', sent: 'SERVER_ACK', received: 'DELIVERY_ACK', delivered: 'DELIVERY_ACK', read: 'READ', played: 'PLAYED', failed: 'ERROR',
};
const statusOf = (s: string): TEvolutionStatus => STATUS[s] ?? 'PENDING';

/** As Evolution reads a chat named without "@": a phone number's JID. */
function chatJid(named: string | undefined): string | undefined {
  if (!named) return undefined;
  return named.includes('@') ? named : `${named.replace(/\D/g, '')}@s.whatsapp.net`;
}

function recordOf(m: StoredMessage, instanceId: string): TRecord {
  const metadata = (m.metadata ?? {}) as Record<string, unknown>;
  const fromMe = m.direction === 'outbound';
  const participant = typeof metadata.participant === 'string' ? metadata.participant : undefined;
  return {
    id: m.id,
    key: { remoteJid: m.remoteJid, fromMe, id: m.waMessageId, ...(participant ? { participant } : {}) },
    pushName: fromMe ? null : m.pushName,
    // A stored message's text is a media message's caption.
    ...messageOf({ type: m.type, text: m.text, metadata: { caption: m.text, ...metadata } }),
    messageTimestamp: Math.floor(m.sentAt.getTime() / 1000),
    instanceId,
    source: 'unknown',
  };
}

export function createEvolutionChat(deps: {
  outbound: Pick<OutboundService, 'checkNumbers'>;
  conversations: Pick<ConversationsService, 'markMessagesRead'>;
  chats: ChatRepo;
}) {
  const { chats } = deps;

  return {
    async whatsappNumbers(i: InstanceRow, b: TWhatsAppNumbers) {
      const checked = await deps.outbound.checkNumbers(i.storeId, { numbers: b.numbers, slot: i.slot });
      const names = await chats.namesOf(i.storeId, checked.numbers.flatMap((n) => (n.jid ? [n.jid] : [])));
      return checked.numbers.map((n) => {
        const jid = n.jid ?? `${n.e164.slice(1)}@s.whatsapp.net`;
        const name = n.jid ? names.get(n.jid) : undefined;
        return { exists: n.onWhatsApp, jid, number: n.input, ...(name ? { name } : {}) };
      });
    },

    async markRead(i: InstanceRow, b: TReadMessages) {
      // The instance's own messages are not read by it: nothing to mark, nothing to receipt.
      const theirs = [...new Map(b.readMessages.filter((k) => !k.fromMe).map((k) => [k.id, k])).values()];
      const receipts = await deps.conversations.markMessagesRead({ storeId: i.storeId, slot: i.slot }, theirs);
      if (receipts.error) throw new AppError(ErrorCode.CONFLICT, `Read messages fail: ${receipts.error}`);
      return { message: 'Read messages' as const, read: 'success' as const };
    },

    async findMessages(i: InstanceRow, b: TFindMessages) {
      const key = b.where?.key;
      const jid = chatJid(key?.remoteJid);
      const { total, rows } = await chats.messages(
        i.storeId,
        i.slot,
        { id: b.where?.id, waMessageId: key?.id || undefined, remoteJids: jid ? await chats.chatJids(i.storeId, jid) : undefined, fromMe: key?.fromMe },
        { skip: (b.page - 1) * b.offset, take: b.offset },
      );
      return {
        messages: {
          total,
          pages: Math.ceil(total / b.offset),
          currentPage: b.page,
          records: rows.map((m) => ({ ...recordOf(m, i.instanceId), MessageUpdate: m.receipts.map((s) => ({ status: statusOf(s) })) })),
        },
      };
    },

    async findChats(i: InstanceRow, b: TFindChats) {
      const rows = await chats.chats(i.storeId, i.slot, chatJid(b.where?.remoteJid), { skip: b.skip, take: b.take });
      return rows.map((c) => ({
        id: c.contactId,
        remoteJid: c.jidPn ?? c.jidLid ?? c.last?.remoteJid ?? '',
        pushName: c.pushName ?? c.name,
        profilePicUrl: null,
        updatedAt: c.lastMessageAt?.toISOString() ?? null,
        unreadCount: c.unread,
        isSaved: true as const,
        ...(c.last ? { lastMessage: { ...recordOf(c.last, i.instanceId), status: statusOf(c.last.status) } } : {}),
      }));
    },
  };
}

export type EvolutionChat = ReturnType<typeof createEvolutionChat>;
