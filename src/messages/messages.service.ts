// Inbound messages into the store's records: the durable subscriber of `message.received`
// (storage comes before the bot, webhooks and live streams see the event), and the reads the
// dashboard's inbox needs.
import type { Logger } from 'pino';
import type { MessageReceivedEvent } from '../events/domain-events.js';
import type { DomainEventBus } from '../events/event-bus.js';
import { retryWhileTransient } from '../events/durable-retry.js';
import { isDatabaseUnavailableError } from '../http/dependency-errors.js';
import { AppError, ErrorCode } from '../kernel/index.js';
import type { InboundRepo, InboundRow, StoredInbound } from './inbound.repo.js';
import type { InboxRepo } from './inbox.repo.js';
import type { MediaService } from './media.service.js';
import type { TConversationPage, TCursor, TInboxPage } from './messages.schemas.js';

const isLid = (jid: string | null | undefined) => Boolean(jid?.endsWith('@lid'));
const isPn = (jid: string | null | undefined) => Boolean(jid?.endsWith('@s.whatsapp.net'));

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
    pushName: e.pushName,
    type: e.type,
    text: e.text,
    metadata: { ...e.metadata, ...(e.isGroup ? { isGroup: true, participant: e.participant } : {}), delivery: e.delivery },
    payload: e.payload,
    sentAt: e.sentAt,
    isGroup: e.isGroup,
  };
}

/**
 * How long a message's write is retried while Postgres is unreachable (a restart, a failover, a
 * full disk): the slot's later events wait behind it, in memory, in order.
 */
export const STORAGE_RETRY_MS = 5 * 60_000;

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 'P2002';
}

export function createMessagesService(deps: { inbound: InboundRepo; inbox: InboxRepo; log: Logger; media?: Pick<MediaService, 'queueFor'> }) {
  const { inbound, inbox, log } = deps;

  const untilDatabaseAnswers = <T>(what: string, work: () => Promise<T>) =>
    retryWhileTransient(work, { isTransient: isDatabaseUnavailableError, maxMs: STORAGE_RETRY_MS, log, what });

  async function storeInbound(e: MessageReceivedEvent): Promise<StoredInbound> {
    const row = toInboundRow(e);
    return untilDatabaseAnswers('storing an inbound message', () => storeOnce(e, row));
  }

  async function storeOnce(e: MessageReceivedEvent, row: InboundRow): Promise<StoredInbound> {
    // The same person writing to two slots at once races on the contact and the open thread;
    // the loser's transaction rolled back whole and finds the winner's rows on its next try.
    for (let attempt = 1; ; attempt++) {
      try {
        return await inbound.store(row);
      } catch (err) {
        if (!isUniqueViolation(err) || attempt >= 3) throw err;
        log.debug({ attempt, storeId: e.storeId, slot: e.slot }, 'inbound message raced another write; retrying');
      }
    }
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
          },
          { durable: true },
        ),
        bus.on(
          'message.changed',
          'message-storage',
          async (e) => {
            if (!(await untilDatabaseAnswers('applying a message change', () => inbound.applyChange(e)))) log.debug({ storeId: e.storeId, slot: e.slot, change: e.change }, 'change to a message never stored here: ignored');
          },
          { durable: true },
        ),
      ];
      return () => offs.forEach((off) => off());
    },

    inbox(storeId: string, limit: number, cursor: TCursor | undefined): Promise<TInboxPage> {
      return inbox.openConversations(storeId, limit, cursor);
    },

    async conversation(storeId: string, conversationId: string, limit: number, cursor: TCursor | undefined): Promise<TConversationPage> {
      const page = await inbox.conversationWithMessages(storeId, conversationId, limit, cursor);
      if (!page) throw new AppError(ErrorCode.NOT_FOUND, 'Conversation not found');
      return page;
    },
  };
}

export type MessagesService = ReturnType<typeof createMessagesService>;
