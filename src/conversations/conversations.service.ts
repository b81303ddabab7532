// The rules of a conversation's life: closed and reopened by the store (never two open threads
// of one contact on one channel), read (unread back to zero, and on WhatsApp, when asked, read
// receipts sent by the slot's owner), and answered on its own channel — WhatsApp through the send
// queue, any other channel through the store's n8n (src/channels).
import { emitCommitted } from '../events/committed-events.js';
import type { DomainEventBus } from '../events/event-bus.js';
import { AppError, ErrorCode, type SlotRef } from '../kernel/index.js';
import type { TSendRequest } from '../outbound/index.js';
import type { SlotEngine } from '../whatsapp/engine/index.js';
import { conversationView, type ConversationsRepo } from './conversations.repo.js';
import type { TConversationList, TConversationListQuery, TConversationSend, TConversationSent, TConversationView, TReadResult } from './conversations.schemas.js';

/** What sends on a channel other than WhatsApp (src/channels' queueChannelSend): media by URL, for n8n to fetch. */
export type ChannelSender = (send: {
  storeId: string;
  conversationId: string;
  text?: string;
  media?: { url: string; mimetype?: string; fileName?: string };
}) => Promise<{ id: string; status: string }>;

export interface ConversationsDeps {
  repo: ConversationsRepo;
  bus: DomainEventBus;
  engine: Pick<SlotEngine, 'execute'>;
  /** The WhatsApp send queue (outbound.service's send). */
  sendWhatsApp: (storeId: string, request: TSendRequest) => Promise<{ id: string; status: string }>;
  sendOnChannel: ChannelSender;
}

const whatsappType = (mimetype: string) =>
  mimetype.startsWith('image/') ? 'image' : mimetype.startsWith('video/') ? 'video' : mimetype.startsWith('audio/') ? 'audio' : 'document';

export function createConversationsService(deps: ConversationsDeps) {
  const { repo, bus } = deps;

  async function existing(storeId: string, id: string) {
    const c = await repo.find(storeId, id);
    if (!c) throw new AppError(ErrorCode.NOT_FOUND, 'Conversation not found');
    return c;
  }

  /** Read receipts for the messages just marked read, per slot they came in on. */
  async function sendReceipts(storeId: string, unread: { slot: number | null; remoteJid: string; waMessageId: string }[]): Promise<NonNullable<TReadResult['receipts']>> {
    const bySlot = new Map<number, { remoteJid: string; id: string }[]>();
    for (const m of unread) if (m.slot !== null) bySlot.set(m.slot, [...(bySlot.get(m.slot) ?? []), { remoteJid: m.remoteJid, id: m.waMessageId }]);
    let sent = 0;
    const errors: string[] = [];
    for (const [slot, keys] of bySlot) {
      const outcome = await deps.engine.execute({ storeId, slot }, { command: 'read-receipts', keys });
      if (outcome?.ok) sent += keys.length;
      else errors.push(outcome?.error ?? `the process running slot ${slot} did not answer`);
    }
    return { sent, error: errors.length ? errors.join('; ') : null };
  }

  return {
    list(storeId: string, query: TConversationListQuery): Promise<TConversationList> {
      return repo.list(storeId, query);
    },

    async close(storeId: string, id: string): Promise<TConversationView> {
      const c = await existing(storeId, id);
      if (c.status === 'closed') return conversationView(c);
      const closed = await repo.setStatus(storeId, id, 'closed');
      emitCommitted(bus, closed.events);
      return conversationView(closed.conversation);
    },

    async reopen(storeId: string, id: string): Promise<TConversationView> {
      const c = await existing(storeId, id);
      if (c.status === 'open') return conversationView(c);
      const other = await repo.otherOpen(storeId, c);
      if (other) throw new AppError(ErrorCode.CONFLICT, `The contact already has an open ${c.channel} conversation (${other.id}); close it first`);
      try {
        const opened = await repo.setStatus(storeId, id, 'open');
        emitCommitted(bus, opened.events);
        return conversationView(opened.conversation);
      } catch (err) {
        // A thread opened by a message meanwhile: the same answer as above.
        if ((err as { code?: string }).code === 'P2002') throw new AppError(ErrorCode.CONFLICT, `The contact already has an open ${c.channel} conversation; close it first`);
        throw err;
      }
    },

    async markRead(storeId: string, id: string, receipts: boolean): Promise<TReadResult> {
      const read = await repo.markRead(storeId, id);
      if (!read) throw new AppError(ErrorCode.NOT_FOUND, 'Conversation not found');
      const { conversation, unread } = read;
      const wantReceipts = receipts && conversation.channel === 'whatsapp' && unread.length > 0;
      return { conversation: conversationView(conversation), receipts: wantReceipts ? await sendReceipts(storeId, unread) : null };
    },

    /**
     * Named messages of one slot read (a client that knows WhatsApp's keys, e.g. Evolution's
     * markMessageAsRead): their threads' unread counts as WhatsApp would leave them, and read
     * receipts for each, to the chat it was stored under (else the chat the caller named).
     */
    async markMessagesRead(ref: SlotRef, keys: { remoteJid: string; id: string }[]): Promise<NonNullable<TReadResult['receipts']>> {
      const stored = await repo.markReadUpTo(ref.storeId, ref.slot, keys.map((k) => k.id));
      const chatOf = new Map(stored.map((m) => [m.waMessageId, m.remoteJid]));
      return sendReceipts(ref.storeId, keys.map((k) => ({ slot: ref.slot, remoteJid: chatOf.get(k.id) ?? k.remoteJid, waMessageId: k.id })));
    },

    async send(storeId: string, id: string, body: TConversationSend): Promise<TConversationSent> {
      const c = await existing(storeId, id);
      if (c.channel !== 'whatsapp') {
        const { media } = body;
        if (media && !media.url) {
          throw new AppError(ErrorCode.VALIDATION_FAILED, 'Invalid message', [{ path: ['media', 'url'], message: `media on ${c.channel} goes by url (the store's n8n fetches it); base64 is for WhatsApp` }]);
        }
        const queued = await deps.sendOnChannel({
          storeId,
          conversationId: c.id,
          // The caption travels as the text: the channels' payload has one text beside the media.
          text: body.text ?? media?.caption,
          media: media && { url: media.url!, mimetype: media.mimetype, fileName: media.fileName },
        });
        return { ...queued, channel: c.channel };
      }
      const contact = await repo.contactOf(storeId, c.contactId);
      const to = contact?.jidPn ?? contact?.jidLid;
      if (!to) throw new AppError(ErrorCode.CONFLICT, 'The contact has no WhatsApp address to send to');
      const slot = c.slot ?? undefined;
      const request: TSendRequest = body.media
        ? { to, slot, type: whatsappType(body.media.mimetype), ...body.media }
        : { to, slot, type: 'text', text: body.text! };
      const queued = await deps.sendWhatsApp(storeId, request);
      return { id: queued.id, status: queued.status, channel: 'whatsapp' };
    },
  };
}

export type ConversationsService = ReturnType<typeof createConversationsService>;
