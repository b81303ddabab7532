// The bot's public face: its configuration and usage routes, the reply path (a durable subscriber
// that schedules turns, the worker that answers them), human handoff and per-contact pauses.
//
// Wiring (composition.ts): `createBot(deps)` over the database, the bus, the send queue and the
// booking domain; `bot.subscribe(bus)` after storage's subscriber; `bot.start()` / `bot.stop()`
// (the turn worker and the daily snapshot job) around listening (daemon.ts).
import type { WriteEventsInTransaction } from '../events/committed-events.js';
import type { Logger } from 'pino';
import type pg from 'pg';
import { createAuditRepo } from '../audit/audit.repo.js';
import type { Db } from '../db/prisma.js';
import type { DomainEventBus } from '../events/event-bus.js';
import type { BotTool, ToolContext } from './bot-tool.js';
import { createBotConfigRepo } from './bot-config.repo.js';
import { createBotConfigService, type BotConfigService } from './bot-config.service.js';
import { createBotContextRepo } from './bot-context.repo.js';
import { createBotPausesRepo } from './bot-pauses.repo.js';
import { createBotRepliesRepo } from './bot-replies.repo.js';
import { createBotTurnsRepo } from './bot-turns.repo.js';
import { createBotUsageService, type BotUsageService } from './bot-usage.service.js';
import { createBotService, type BotService } from './bot.service.js';
import { createLlmCallsRepo, type LlmCallObserver } from './llm-calls.repo.js';
import { createLlmClient, type LlmClient } from './llm-client.js';
import { TurnWorker, type SendBotText } from './turn-worker.js';
import { createSnapshotJob } from './snapshot-job.js';
import { createSnapshotsRepo } from './snapshots.repo.js';
import { createSnapshotsService, type SnapshotsService } from './snapshots.service.js';

export { botRouter } from './bot.routes.js';
export { snapshotsRouter } from './snapshots.routes.js';
export { createBookingTools } from './tools/booking-tools.js';
export type { BotConfigService } from './bot-config.service.js';
export type { BotService } from './bot.service.js';
export type { BotUsageService } from './bot-usage.service.js';
export type { SendBotText } from './turn-worker.js';

export interface Bot {
  service: BotService;
  configs: BotConfigService;
  usage: BotUsageService;
  llm: LlmClient;
  snapshots: SnapshotsService;
  subscribe(bus: DomainEventBus): () => void;
  start(): void;
  stop(): Promise<void>;
}

export interface BotDeps {
  db: Db;
  /** For the daily snapshot job's advisory lock. */
  pool: pg.Pool;
  bus: DomainEventBus;
  log: Logger;
  openRouter: { apiKey: string | undefined; model: string; baseUrl: string; appUrl: string | undefined; appTitle: string };
  options: { scanIntervalMs: number; retryBaseMs: number; maxAttempts: number; maxAgeMs: number; snapshotCron: string };
  send: SendBotText;
  /** Whether the store is open at `at` (null: it has no working hours). */
  openNow: (workingHours: unknown, zone: string, at: Date) => boolean | null;
  /** The tools the model may call, given how a tool hands the chat to a person. */
  tools: (handOff: (ctx: ToolContext, reason: string) => Promise<void>) => BotTool[];
  /** Told of every LLM call (the metrics). */
  onLlmCall?: LlmCallObserver;
  /** The webhook outbox: a reply's bot.replied and a hand-off's bot.handoff, written with the turn's end and the pause. */
  writeEvents?: WriteEventsInTransaction;
}

export function createBot(deps: BotDeps): Bot {
  const { db, bus, log } = deps;
  const llm = createLlmClient(deps.openRouter);
  const configs = createBotConfigService({ repo: createBotConfigRepo(db), defaultModel: deps.openRouter.model });
  const turns = createBotTurnsRepo(db, deps.writeEvents);
  const pauses = createBotPausesRepo(db, deps.writeEvents);
  const calls = createLlmCallsRepo(db, deps.onLlmCall);
  const context = createBotContextRepo(db);
  const timezoneOf = (storeId: string) => context.timezone(storeId);
  const usage = createBotUsageService({ configs, calls, turns, timezoneOf, llmConfigured: llm.configured });

  /** The model handed the chat to a person: silent there for the store's handoff pause. */
  async function handOff(ctx: ToolContext, reason: string): Promise<void> {
    const config = await configs.effective(ctx.storeId);
    const until = new Date(Date.now() + config.handoffPauseMinutes * 60_000);
    const paused = await pauses.pause(ctx.storeId, ctx.contactId, until, 'handoff_tool', (kept) => [
      { type: 'bot.handoff', event: { storeId: ctx.storeId, slot: ctx.slot, contactId: ctx.contactId, conversationId: ctx.conversationId, trigger: 'tool', reason, pausedUntil: kept.until, at: new Date() } },
    ]);
    for (const e of paused.events) await bus.emit(e.type, e.event as never);
  }

  const worker = new TurnWorker(
    { turns, context, calls, configs, llm, send: deps.send, tools: deps.tools(handOff), openNow: deps.openNow, bus, audit: createAuditRepo(db), log },
    deps.options,
  );
  const service = createBotService({
    configs, turns, pauses, replies: createBotRepliesRepo(db), worker, send: deps.send, bus, llmConfigured: llm.configured, maxAgeMs: deps.options.maxAgeMs, log,
  });
  const snapshotsRepo = createSnapshotsRepo(db, deps.pool);
  const snapshots = createSnapshotsService({ repo: snapshotsRepo, llm, calls, configOf: configs.get, timezoneOf, log: log.child({ part: 'snapshots' }) });
  const snapshotJob = createSnapshotJob({ snapshots, repo: snapshotsRepo, log: log.child({ part: 'snapshot-job' }), cron: deps.options.snapshotCron });

  return {
    service,
    configs,
    usage,
    llm,
    snapshots,
    subscribe(b) {
      const offs = [service.subscribe(b), snapshots.subscribe(b)];
      return () => offs.forEach((off) => off());
    },
    start() {
      if (!llm.configured) log.warn('OPENROUTER_API_KEY is not set: the bot cannot answer (GET …/usage says so per store)');
      worker.start();
      snapshotJob.start();
    },
    async stop() {
      await snapshotJob.stop();
      await worker.stop();
    },
  };
}
