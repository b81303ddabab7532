// The chat history WhatsApp hands a new link (`message.history`), kept as past messages within
// the store's window (settings.history_days; 0 = none). It is never `message.received`: the bot
// and the new-message streams do not see it.
import type { Logger } from 'pino';
import type { MessageHistoryEvent, PastMessage } from '../events/domain-events.js';
import type { DomainEventBus } from '../events/event-bus.js';
import type { HistoryRepo, PastRow } from './history.repo.js';
import { isLid, isPn, storableJson, storableText } from './row-fields.js';

const DAY_MS = 24 * 60 * 60_000;

/** A past message as a row, or null when it names no person (our own line in a group). */
export function toPastRow(m: PastMessage, syncType: string): PastRow | null {
  const addresses = m.isGroup ? [m.participant, m.participantAlt] : [m.remoteJid, m.remoteJidAlt];
  const jidPn = addresses.find(isPn) ?? null;
  const jidLid = addresses.find(isLid) ?? null;
  if (!jidPn && !jidLid) return null;
  return {
    waMessageId: m.waMessageId,
    remoteJid: m.remoteJid,
    jidPn,
    jidLid,
    pushName: storableText(m.pushName),
    type: m.type,
    text: storableText(m.text),
    metadata: storableJson({ ...m.metadata, ...(m.isGroup ? { isGroup: true, participant: m.participant } : {}), delivery: 'history', syncType }),
    payload: m.payload,
    sentAt: m.sentAt,
    isGroup: m.isGroup,
    direction: m.fromMe ? 'outbound' : 'inbound',
  };
}

export function createHistoryService(deps: { history: HistoryRepo; log: Logger; now?: () => number }) {
  const { history, log, now = Date.now } = deps;

  async function storeHistory(e: MessageHistoryEvent): Promise<number> {
    const days = await history.historyDays(e.storeId);
    if (days <= 0) return 0;
    const since = now() - days * DAY_MS;
    const rows = e.messages
      .filter((m) => m.sentAt.getTime() >= since)
      .map((m) => toPastRow(m, e.syncType))
      .filter((r): r is PastRow => r !== null);
    const stored = rows.length ? await history.storePast(e, rows) : 0;
    log.info({ storeId: e.storeId, slot: e.slot, syncType: e.syncType, received: e.messages.length, stored, days }, 'chat history stored');
    return stored;
  }

  return {
    storeHistory,
    /** Whether a new link of this store should ask WhatsApp for recent history at all. */
    async keepsHistory(storeId: string): Promise<boolean> {
      return (await history.historyDays(storeId)) > 0;
    },
    /** Durable, like live storage: the slot's next event waits for the history's commit. */
    subscribe(bus: DomainEventBus): () => void {
      return bus.on('message.history', 'history-storage', async (e) => void (await storeHistory(e)), { durable: true });
    },
  };
}

export type HistoryService = ReturnType<typeof createHistoryService>;
