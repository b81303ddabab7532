// Inbound messages into the store's records: the durable subscriber of `message.received`
// (storage comes before the bot and live streams see the event; the event's webhook deliveries
// commit with the message), and the reads the dashboard's inbox needs.
import type { Logger } from 'pino';
import type { MessageReceivedEvent } from '../events/domain-events.js';
import type { DomainEventBus } from '../events/event-bus.js';
import { AppError, ErrorCode } from '../kernel/index.js';
import type { InboundRepo, InboundRow, StoredInbound } from './inbound.repo.js';
import type { InboxRepo } from './inbox.repo.js';
import { toOutboxEvent } from '../webhooks/index.js';
import { announceMade } from './records-made.js';
import { isLid, isPn, storableJson, storableText } from './row-fields.js';
import { storeRetrying } from './storage-retries.js';
import type { MediaService } from './media.service.js';
import type { TConversationPage, TCursor, TInboxPage, TInboxQuery } from './messages.schemas.js';


/** The domain event as a row: the person's PN and LID from whichever addresses WhatsApp gave. */
export function toInboundRow(e: MessageReceivedEvent): InboundRow {
  const addresses = e.isGroup ? [e.participant, e.participantAlt] : [e.remoteJid, e.remoteJidAlt];
  return {
    storeId: e.storeId,
    slot: e.slot,
    waMessageId: e.waMessageId,
    remoteJid: e.remoteJid,
    jidPn: addresses.find(isPn) ?? null,
    jidLid: addresses.find(isLid) ?? null,
    pushName: storableText(e.pushName),
    type: e.type,
    text: storableText(e.text),
    metadata: storableJson({ ...e.metadata, ...(e.isGroup ? { isGroup: true, participant: e.participant } : {}), delivery: e.delivery }),
    payload: e.payload,
    sentAt: e.sentAt,
    isGroup: e.isGroup,
  };
}

export interface MessagesServiceDeps {
  inbound: InboundRepo;
  inbox: InboxRepo;
  log: Logger;
  media?: Pick<MediaService, 'queueFor'>;
  /** Webhook deliveries were committed with a message: the delivery worker may go. */
  outboxWritten?: () => void;
}

export function createMessagesService(deps: MessagesServiceDeps) {
  const { inbound, inbox, log } = deps;

  async function storeInbound(e: MessageReceivedEvent): Promise<StoredInbound> {
    const row = toInboundRow(e);
    const event = toOutboxEvent('message.received', e);
    return storeRetrying('storing an inbound message', () => inbound.store(row, event), log, { storeId: e.storeId, slot: e.slot });
  }

  return {
    storeInbound,

    /** Subscribes storage to the bus, durable: the slot's next event waits for this commit. */
    subscribe(bus: DomainEventBus): () => void {
      const offs = [
        bus.on(
          'message.received',
          'message-storage',
          async (e) => {
            const stored = await storeInbound(e);
            // Only the queue row is written here; the download runs off this in-order path.
            if (stored.stored) await deps.media?.queueFor(e.type, e.storeId, stored.messageId);
            if (stored.outboxRows) deps.outboxWritten?.();
            announceMade(bus, stored.madeEvents ?? []);
          },
          { durable: true },
        ),
        bus.on(
          'message.changed',
          'message-storage',
          async (e) => {
            if (!(await storeRetrying('applying a message change', () => inbound.applyChange(e), log, { storeId: e.storeId, slot: e.slot }))) log.debug({ storeId: e.storeId, slot: e.slot, change: e.change }, 'change to a message never stored here: ignored');
          },
          { durable: true },
        ),
      ];
      return () => offs.forEach((off) => off());
    },

    inbox(storeId: string, query: TInboxQuery): Promise<TInboxPage> {
      return inbox.openConversations(storeId, query);
    },

    /** The conversation a message of the store is in, and its time there; null when the store has no such message. */
    locate(storeId: string, messageId: string): Promise<{ conversationId: string; sentAt: Date; createdAt: Date } | null> {
      return inbox.locate(storeId, messageId);
    },

    async conversation(storeId: string, conversationId: string, limit: number, cursor: TCursor | undefined): Promise<TConversationPage> {
      const page = await inbox.conversationWithMessages(storeId, conversationId, limit, cursor);
      if (!page) throw new AppError(ErrorCode.NOT_FOUND, 'Conversation not found');
      return page;
    },
  };
}

export type MessagesService = ReturnType<typeof createMessagesService>;
