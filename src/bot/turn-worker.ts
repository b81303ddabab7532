// Answers due turns. Any process claims one (bot_turns, SKIP LOCKED, a lease); the gates decide
// whether the bot speaks at all (on, a key, not paused, hours, budget, the per-contact cap); the
// prompt is built from the store's records; the model (and its tools) answer; the answer is kept
// in the turn before it is queued through the send queue (with the governor and typing), under an
// idempotency key per part, so a crash anywhere re-queues the same text and never sends it twice.
//
// Woken in-process when a turn is scheduled (at its due time), or handed the turn it claimed as it
// wrote it (no debounce: scheduleNow); a periodic scan finds the rest:
// turns other processes scheduled, retries falling due, leases of processes that died.
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import type { AuditRepo } from '../audit/audit.repo.js';
import { AppError, monthOf, QueueDrainer, storeZone } from '../kernel/index.js';
import type { NamedEvent } from '../events/committed-events.js';
import type { DomainEventBus } from '../events/event-bus.js';
import type { BotTool } from './bot-tool.js';
import type { BotConfigService } from './bot-config.service.js';
import type { BotContextRepo, StoreFacts } from './bot-context.repo.js';
import type { ClaimedTurn, BotTurnsRepo, ScheduleInput, TurnRecord } from './bot-turns.repo.js';
import { budgetExhausted } from './bot-usage.service.js';
import type { LlmCallsRepo } from './llm-calls.repo.js';
import type { LlmClient } from './llm-client.js';
import { buildPrompt, PROMPT_VERSION } from './prompt.js';
import { splitReply } from './reply-split.js';
import { converse } from './turn-conversation.js';
import { transcribeVoiceNotes } from './voice-transcription.js';

/** The built-in answer to a voice note when the store transcribes none. */
export const DEFAULT_VOICE_NOTE_REPLY = 'Desculpe, ainda não consigo ouvir áudios. Pode me escrever sua mensagem?';

/** How long a turn waits for a voice note's download before it looks again. */
const MEDIA_WAIT_MS = 1_000;

/** Sends one text of the bot (outbound's queue: slot, governor, typing), idempotent on the key. */
export type SendBotText = (storeId: string, message: { to: string; slot: number; text: string }, idempotencyKey: string, turnId: string) => Promise<{ id: string }>;

export interface TurnWorkerDeps {
  turns: BotTurnsRepo;
  context: BotContextRepo;
  calls: LlmCallsRepo;
  configs: BotConfigService;
  llm: LlmClient;
  send: SendBotText;
  /** The booking (and hand-off) tools, offered when the store's config allows. */
  tools: BotTool[];
  /** Whether the store is open at `at`; null when it has no working hours. */
  openNow: (workingHours: unknown, zone: string, at: Date) => boolean | null;
  bus: Pick<DomainEventBus, 'emit'>;
  /** Every tool call the model made is audited (actor: system). */
  audit: AuditRepo;
  log: Logger;
}

export interface TurnWorkerOptions {
  scanIntervalMs: number;
  retryBaseMs: number;
  /** Attempts of one turn (model calls that failed and were retried) before it fails for good. */
  maxAttempts: number;
  /** A burst older than this is not answered any more (after an outage: a late answer is worse than none). */
  maxAgeMs: number;
  concurrency?: number;
  /** A claimed turn not finished by then is claimed again (well above the model's timeout). */
  leaseMs?: number;
}

const RETRYABLE = new Set(['rate_limited', 'server_error', 'timeout', 'bad_response']);

export class TurnWorker {
  private readonly options: Required<TurnWorkerOptions>;
  private readonly drainer: QueueDrainer;
  /** The store's name, settings and services, read at most a couple of seconds ago (as the config). */
  private readonly facts = new LRUCache<string, StoreFacts>({ max: 10_000, ttl: 2_000 });

  constructor(
    private readonly deps: TurnWorkerDeps,
    options: TurnWorkerOptions,
  ) {
    this.options = { concurrency: 4, leaseMs: 5 * 60_000, ...options };
    this.drainer = new QueueDrainer((claimed) => this.runOne(claimed), this.options.concurrency);
  }

  start(): void {
    this.drainer.scanEvery(this.options.scanIntervalMs);
  }

  /** A turn falls due in `ms`. */
  wakeIn(ms: number): void {
    if (ms <= 0) this.drainer.kick();
    else this.drainer.later(ms);
  }

  /**
   * With no debounce: the turn is written already claimed and answered by a runner of this
   * process, one statement fewer before the model is asked. When every runner is busy, or the
   * conversation has a turn pending or in hand, it is scheduled to wait like any other. Resolves
   * once the turn is in the database, not when it is answered.
   */
  async scheduleNow(input: Omit<ScheduleInput, 'debounceMs'>): Promise<void> {
    const release = this.drainer.hold();
    if (release) {
      let turn: ClaimedTurn | null;
      try {
        turn = await this.deps.turns.scheduleClaimed(input, new Date(Date.now() + this.options.leaseMs));
      } catch (err) {
        release(false);
        throw err;
      }
      if (turn) {
        this.drainer.track(this.answer(turn).then(() => release(true)));
        return;
      }
      release(false);
    }
    const scheduled = await this.deps.turns.schedule({ ...input, debounceMs: 0 });
    if (scheduled) this.wakeIn(scheduled.dueAt.getTime() - Date.now());
  }

  async stop(): Promise<void> {
    await this.drainer.stop();
  }

  private async runOne(claimed: () => void): Promise<boolean> {
    let turn: ClaimedTurn | null;
    try {
      turn = await this.deps.turns.claim(new Date(Date.now() + this.options.leaseMs));
    } catch (err) {
      this.deps.log.warn({ err }, 'bot turn claim failed');
      return false;
    }
    if (!turn) return false;
    claimed();
    await this.answer(turn);
    return true;
  }

  private async answer(turn: ClaimedTurn): Promise<void> {
    const log = this.deps.log.child({ storeId: turn.storeId, slot: turn.slot, turnId: turn.id });
    try {
      await this.handle(turn, log);
    } catch (err) {
      // The lease lapses and the turn is taken again, here or by another process.
      log.warn({ err }, 'bot turn interrupted; it will be taken again');
    }
  }

  private async handle(turn: ClaimedTurn, log: Logger): Promise<void> {
    const { deps } = this;
    if (turn.state === 'replying') return this.deliver(turn, turn.replyText ?? '', { outcome: 'replied' }, log);
    const skip = (outcome: string, detail?: string) => deps.turns.finish(turn, 'skipped', { outcome, detail }).then(() => log.info({ outcome, detail }, 'bot stays silent'));
    const now = new Date();
    // The config and the store's facts as read at most a couple of seconds ago, then every other
    // read in one statement; the gates follow in order. A skipped turn may have read more than it
    // needed; an answered one waits for one round trip, not eighteen in a row.
    const config = await deps.configs.effective(turn.storeId);
    let store = this.facts.get(turn.storeId);
    if (!store) this.facts.set(turn.storeId, (store = await deps.context.storeFacts(turn.storeId)));
    const zone = storeZone(store.timezone);
    const tools = config.toolsEnabled ? deps.tools : [];
    const { pause, contact, spent, recentReplies, window, answeredUpTo, snapshot, earlierCalls } = await deps.context.turnReads({
      storeId: turn.storeId,
      contactId: turn.contactId,
      conversationId: turn.conversationId,
      turnId: turn.id,
      upTo: turn.triggerAt,
      since: new Date(now.getTime() - config.contextTime * 60_000),
      limit: config.messageLimit,
      month: monthOf(now, zone),
      hourAgo: new Date(now.getTime() - 3_600_000),
    });
    if (!config.botEnabled) return skip('bot_disabled');
    if (!deps.llm.configured) return skip('no_api_key', 'OPENROUTER_API_KEY is not set');
    if (now.getTime() - turn.firstAt.getTime() > this.options.maxAgeMs) return skip('stale', 'the messages waited too long (the daemon or the model was away)');
    if (pause) return skip('paused', `${pause.reason} until ${pause.until.toISOString()}`);
    if (!contact) return skip('no_contact');
    if (contact.optOut) return skip('opted_out');
    const openNow = deps.openNow(store.workingHours, zone, now);
    if (config.hoursMode === 'open_only' && openNow === false) {
      return config.closedMessage ? this.deliver(turn, config.closedMessage, { outcome: 'closed_notice' }, log) : skip('outside_hours');
    }
    if (config.hoursMode === 'closed_only' && openNow === true) return skip('store_open', 'the store answers while it is open');
    if (recentReplies >= config.repliesPerContactPerHour) return skip('reply_cap', `${config.repliesPerContactPerHour} replies to this contact in the last hour`);
    if (budgetExhausted(config, spent)) return skip('budget_exhausted');
    const burst = window.filter((m) => m.direction === 'inbound' && (!answeredUpTo || m.createdAt > answeredUpTo));
    const voiceNotes = burst.filter((m) => m.type === 'audio' && typeof m.metadata.transcript !== 'string');
    if (voiceNotes.length && config.transcribeAudio) {
      const transcribed = await transcribeVoiceNotes(
        voiceNotes,
        { storeId: turn.storeId, turnId: turn.id, model: config.transcriptionModel ?? config.model, timeoutMs: config.llmTimeoutMs },
        { llm: deps.llm, calls: deps.calls, media: deps.context },
      );
      if (transcribed === 'waiting_for_media') {
        await deps.turns.retryAt(turn, new Date(Date.now() + MEDIA_WAIT_MS), { outcome: 'waiting_for_media' });
        this.drainer.later(MEDIA_WAIT_MS);
        return;
      }
    }
    if (burst.length && burst.every((m) => m.type === 'audio' && typeof m.metadata.transcript !== 'string')) {
      return this.deliver(turn, config.voiceNoteReply ?? DEFAULT_VOICE_NOTE_REPLY, { outcome: 'voice_note' }, log);
    }

    const prompt = buildPrompt({ config, store, zone, now, openNow, snapshot, tools: tools.length > 0, window });
    const context: TurnRecord = {
      outcome: 'asked',
      promptVersion: PROMPT_VERSION,
      configRevision: config.revision,
      systemPromptHash: prompt.systemHash,
      contextMessageIds: prompt.messageIds,
      snapshotId: snapshot?.id ?? null,
    };
    const result = await converse(
      {
        request: { model: config.model, fallbackModels: config.fallbackModels, temperature: config.temperature, maxTokens: config.maxTokens, timeoutMs: config.llmTimeoutMs },
        messages: prompt.messages,
        tools,
        context: { storeId: turn.storeId, contactId: turn.contactId, conversationId: turn.conversationId, turnId: turn.id, slot: turn.slot, now, earlierCalls },
      },
      { llm: deps.llm, calls: deps.calls, log },
    );
    const record: TurnRecord = { ...context, model: result.model, ...result.usage, toolCalls: result.toolCalls };
    for (const call of result.toolCalls) {
      await deps.audit.record({
        storeId: turn.storeId, actor: 'system', action: 'bot.tool_call', resourceType: 'bot_turn', resourceId: turn.id,
        data: { tool: call.name, contactId: turn.contactId, arguments: call.arguments as never, ok: call.result.ok, reason: (call.result.reason as string | undefined) ?? null },
      });
    }
    if (!result.ok) return this.failed(turn, result, record, log);
    if (await deps.turns.hasNewerPending(turn)) {
      await deps.turns.finish(turn, 'skipped', { ...record, outcome: 'superseded', detail: 'the customer wrote again: the next turn answers everything' });
      return;
    }
    return this.deliver(turn, result.text, { ...record, outcome: 'replied' }, log);
  }

  private async failed(turn: ClaimedTurn, result: { failure: string; detail: string; retryAfterMs?: number }, record: TurnRecord, log: Logger): Promise<void> {
    const failure = { ...record, outcome: result.failure, detail: result.detail };
    if (RETRYABLE.has(result.failure) && turn.attempts < this.options.maxAttempts) {
      const backoff = this.options.retryBaseMs * 2 ** (turn.attempts - 1);
      const delay = Math.min(60_000, Math.max(result.retryAfterMs ?? 0, Math.round(backoff / 2 + (Math.random() * backoff) / 2)));
      const next = await this.deps.turns.retryAt(turn, new Date(Date.now() + delay), failure);
      log.warn({ failure: result.failure, detail: result.detail, attempt: turn.attempts, retryInMs: delay, next }, 'the model failed; the turn will be tried again');
      if (next === 'retrying') this.drainer.later(delay);
      return;
    }
    log.warn({ failure: result.failure, detail: result.detail, attempts: turn.attempts }, 'the model failed; the bot stays silent');
    await this.deps.turns.finish(turn, 'failed', failure);
  }

  /** Keeps the text in the turn, then queues it (in parts) under keys that make a repeat a no-op. */
  private async deliver(turn: ClaimedTurn, text: string, record: TurnRecord, log: Logger): Promise<void> {
    const kept = turn.state === 'replying' ? turn : await this.deps.turns.saveReply(turn, text, record);
    if (!kept) return;
    const to = await this.deps.context.messageJid(turn.storeId, turn.triggerMessageId);
    if (!to) {
      await this.deps.turns.finish(kept, 'failed', { ...record, outcome: 'no_recipient', detail: 'the message answered no longer exists' });
      return;
    }
    const ids: string[] = [];
    try {
      for (const [i, part] of splitReply(text).entries()) {
        ids.push((await this.deps.send(turn.storeId, { to, slot: turn.slot, text: part }, `bot:${turn.id}:${i}`, turn.id)).id);
      }
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      log.warn({ err: err.message, code: err.code }, 'the bot’s reply was refused by the send queue');
      await this.deps.turns.finish(kept, 'failed', { ...record, outcome: 'send_refused', detail: err.message }, ids);
      return;
    }
    const replied: NamedEvent = {
      type: 'bot.replied',
      event: {
        storeId: turn.storeId, slot: turn.slot, turnId: turn.id, conversationId: turn.conversationId, contactId: turn.contactId,
        messageIds: ids, outcome: record.outcome, model: record.model ?? null, at: new Date(),
      },
    };
    // Its webhook deliveries commit with the turn's end; the bus gets the same event after.
    if (!(await this.deps.turns.finish(kept, 'replied', record, ids, [replied]))) return;
    log.info({ outcome: record.outcome, parts: ids.length }, 'bot replied');
    await this.deps.bus.emit(replied.type, replied.event);
  }
}
