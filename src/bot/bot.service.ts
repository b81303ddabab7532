// The bot's side of the bus and its per-contact controls. A customer's stored message schedules
// (or moves) its conversation's turn — durable, right after storage, so a message the daemon
// acknowledged is a turn the database keeps; a message asking for a person pauses the bot and
// hands off; a message the owner typed on the phone pauses the bot in that chat. The turn worker
// does the answering.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { MessageReceivedEvent, MessageSentEvent } from '../events/domain-events.js';
import { emitCommitted } from '../events/committed-events.js';
import type { DomainEventBus } from '../events/event-bus.js';
import { AppError, ErrorCode } from '../kernel/index.js';
import type { BotConfigService } from './bot-config.service.js';
import type { BotPausesRepo } from './bot-pauses.repo.js';
import type { BotRepliesRepo } from './bot-replies.repo.js';
import type { BotTurnsRepo } from './bot-turns.repo.js';
import type { TPause, TTurn } from './bot.schemas.js';
import type { SendBotText, TurnWorker } from './turn-worker.js';

/** A burst is answered at most this long after its first message, however it goes on. */
const DEBOUNCE_CAP_FACTOR = 4;

/** Lowercase without accents, so "Atendente" matches "atendênte" and "ATENDENTE". */
const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

export function matchesKeyword(text: string | null, keywords: string[]): string | null {
  if (!text) return null;
  const folded = fold(text);
  return keywords.find((k) => folded.includes(fold(k))) ?? null;
}

export interface BotServiceDeps {
  configs: BotConfigService;
  turns: BotTurnsRepo;
  pauses: BotPausesRepo;
  replies: BotRepliesRepo;
  worker: TurnWorker;
  send: SendBotText;
  bus: Pick<DomainEventBus, 'emit'>;
  llmConfigured: boolean;
  /** Messages older than this (a backlog after a long outage) are stored, not answered. */
  maxAgeMs: number;
  log: Logger;
}

export function createBotService(deps: BotServiceDeps) {
  const { configs, turns, pauses, log } = deps;

  async function handOff(e: MessageReceivedEvent, keyword: string, minutes: number, message: string | null): Promise<void> {
    const stored = await pauses.storedInbound(e.storeId, e.slot, e.waMessageId);
    if (!stored?.contactId) return;
    const contactId = stored.contactId;
    const paused = await pauses.pause(e.storeId, contactId, new Date(Date.now() + minutes * 60_000), 'handoff_keyword', (kept) => [{
      type: 'bot.handoff',
      event: { storeId: e.storeId, slot: e.slot, contactId, conversationId: stored.conversationId, trigger: 'keyword', reason: `the customer wrote “${keyword}”`, pausedUntil: kept.until, at: new Date() },
    }]);
    if (stored.conversationId) await turns.skipPending(e.storeId, stored.conversationId, 'handoff');
    if (message) await deps.send(e.storeId, { to: stored.remoteJid, slot: e.slot, text: message }, `bot-handoff:${stored.id}`, stored.id);
    log.info({ storeId: e.storeId, slot: e.slot, contactId, keyword }, 'customer asked for a person: bot paused');
    // Not awaited: this runs inside the slot's delivery, and the event queues behind it.
    emitCommitted(deps.bus, paused.events);
  }

  async function onReceived(e: MessageReceivedEvent): Promise<void> {
    if (!deps.llmConfigured) return;
    const config = await configs.effective(e.storeId);
    if (!config.botEnabled || (e.isGroup && !config.replyToGroups)) return;
    if (Date.now() - e.sentAt.getTime() > deps.maxAgeMs) return;
    const keyword = matchesKeyword(e.text, config.handoffKeywords);
    if (keyword) return handOff(e, keyword, config.handoffPauseMinutes, config.handoffMessage);
    const turn = { storeId: e.storeId, slot: e.slot, waMessageId: e.waMessageId, capMs: Math.max(config.replyDebounceMs * DEBOUNCE_CAP_FACTOR, 1000), newId: randomUUID() };
    if (config.replyDebounceMs === 0) return deps.worker.scheduleNow(turn);
    const scheduled = await turns.schedule({ ...turn, debounceMs: config.replyDebounceMs });
    if (scheduled) deps.worker.wakeIn(scheduled.dueAt.getTime() - Date.now());
  }

  async function onSent(e: MessageSentEvent): Promise<void> {
    if (e.isGroup) return;
    const typed = await pauses.phoneTyped(e.storeId, e.slot, e.waMessageId);
    if (!typed?.contactId) return;
    const config = await configs.effective(e.storeId);
    await pauses.pause(e.storeId, typed.contactId, new Date(Date.now() + config.ownerReplyPauseMinutes * 60_000), 'owner_reply');
    if (typed.conversationId) await turns.skipPending(e.storeId, typed.conversationId, 'owner_replied');
  }

  /** Another store's contact is as unknown as none. */
  async function requireContact(storeId: string, contactId: string): Promise<void> {
    if (!(await pauses.contactExists(storeId, contactId))) throw new AppError(ErrorCode.NOT_FOUND, 'Contact not found');
  }

  async function currentPause(storeId: string, contactId: string): Promise<TPause> {
    const p = await pauses.pausedUntil(storeId, contactId, new Date());
    return { contactId, paused: p !== null, until: p?.until.toISOString() ?? null, reason: p?.reason ?? null };
  }

  return {
    async pauseOf(storeId: string, contactId: string): Promise<TPause> {
      await requireContact(storeId, contactId);
      return currentPause(storeId, contactId);
    },

    async pause(storeId: string, contactId: string, minutes: number): Promise<TPause> {
      await requireContact(storeId, contactId);
      await pauses.setPause(storeId, contactId, new Date(Date.now() + minutes * 60_000));
      return currentPause(storeId, contactId);
    },

    async resume(storeId: string, contactId: string): Promise<TPause> {
      await requireContact(storeId, contactId);
      await pauses.resume(storeId, contactId);
      return currentPause(storeId, contactId);
    },

    replies: (storeId: string, q: Parameters<BotRepliesRepo['list']>[1]): Promise<TTurn[]> => deps.replies.list(storeId, q),

    async reply(storeId: string, id: string): Promise<TTurn> {
      const turn = await deps.replies.get(storeId, id);
      if (!turn) throw new AppError(ErrorCode.NOT_FOUND, 'Bot turn not found');
      return turn;
    },

    /** Durable, subscribed after storage: a stored message's turn is scheduled before the slot's next event. */
    subscribe(bus: DomainEventBus): () => void {
      const offs = [bus.on('message.received', 'bot-turns', onReceived, { durable: true }), bus.on('message.sent', 'bot-owner-pause', onSent, { durable: true })];
      return () => offs.forEach((off) => off());
    },
  };
}

export type BotService = ReturnType<typeof createBotService>;
