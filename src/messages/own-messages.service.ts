// The store's own messages into its records: the durable subscriber of `message.sent`. A message
// typed on the phone (not through Drin) is an outbound row of the contact's conversation; the
// daemon's own sends, which Baileys reports the same way, were stored by the send queue already.
// Either way the event's webhook deliveries are written in the storing transaction.
import type { Logger } from 'pino';
import type { MessageSentEvent } from '../events/domain-events.js';
import type { DomainEventBus } from '../events/event-bus.js';
import type { MediaService } from './media.service.js';
import type { OwnMessagesRepo, OwnRow, StoredOwn } from './own-messages.repo.js';
import { announceMade } from './records-made.js';
import { isLid, isPn, storableJson, storableText } from './row-fields.js';
import { storeRetrying } from './storage-retries.js';


export function toOwnRow(e: MessageSentEvent): OwnRow {
  const addresses = e.isGroup ? [] : [e.remoteJid, e.remoteJidAlt];
  return {
    storeId: e.storeId,
    slot: e.slot,
    waMessageId: e.waMessageId,
    remoteJid: e.remoteJid,
    jidPn: addresses.find(isPn) ?? null,
    jidLid: addresses.find(isLid) ?? null,
    type: e.type,
    text: storableText(e.text),
    metadata: storableJson({ ...e.metadata, ...(e.isGroup ? { isGroup: true } : {}), delivery: e.delivery, origin: 'phone' }),
    payload: e.payload,
    sentAt: e.sentAt,
    isGroup: e.isGroup,
  };
}

export function createOwnMessagesService(deps: { repo: OwnMessagesRepo; log: Logger; media?: Pick<MediaService, 'queueFor'> }) {
  const { repo, log } = deps;

  async function storeOwn(e: MessageSentEvent): Promise<StoredOwn> {
    const row = toOwnRow(e);
    // As for inbound: retried while the database is away, and after a lost race on the contact or thread.
    return storeRetrying('storing an own message', () => repo.store(row, e), log, { storeId: e.storeId, slot: e.slot });
  }

  return {
    storeOwn,
    /** Durable, like inbound storage: the slot's next event waits for this commit. */
    subscribe(bus: DomainEventBus): () => void {
      return bus.on(
        'message.sent',
        'own-message-storage',
        async (e) => {
          const stored = await storeOwn(e);
          if (stored.stored) await deps.media?.queueFor(e.type, e.storeId, stored.messageId);
          announceMade(bus, stored.madeEvents);
        },
        { durable: true },
      );
    },
  };
}

export type OwnMessagesService = ReturnType<typeof createOwnMessagesService>;
