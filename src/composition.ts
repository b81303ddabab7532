// The composition root: builds every object of the daemon once — database, repositories,
// services, event bus, session engine, HTTP app — for main.ts (through daemon.ts), the CLI and
// the tests alike, so a test exercises exactly the production wiring. Nothing here listens or
// connects sockets; `engine.start()` and the HTTP server are the caller's (daemon.ts) to run.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Express } from 'express';
import type { Logger } from 'pino';
import type { Config } from './config/config.js';
import { resolveSecrets, type ResolvedSecrets } from './config/dev-secrets.js';
import { openDatabase, type Database } from './db/database.js';
import { DomainEventBus } from './events/event-bus.js';
import { createHealthRepo, healthRouter } from './health/index.js';
import { buildApp } from './http/app.js';
import { createRateLimits } from './http/rate-limits.js';
import { deriveKey } from './security/secrets.js';
import { createStoresRepo, createStoresService, storesRouter, type StoresService } from './stores/index.js';
import {
  createSlotsRepo,
  DEFAULT_ENGINE_OPTIONS,
  SessionEngine,
  SlotChangeFeed,
  trustWhatsAppRoot,
  type EngineOptions,
  type SlotsRepo,
} from './whatsapp/engine/index.js';
import {
  createHistoryRepo,
  createHistoryService,
  createInboundRepo,
  createInboxRepo,
  createMediaRepo,
  createMediaService,
  createMessagesService,
  createOwnMessagesRepo,
  createOwnMessagesService,
  mediaRouter,
  MediaWorker,
  messagesRouter,
  routeMediaTo,
  type MediaService,
  type MessagesService,
} from './messages/index.js';
import { createSessionsService, sessionsRouter, type SessionsService } from './whatsapp/sessions/index.js';
import { conversationsRouter, createConversationsRepo, createConversationsService, type ConversationsService } from './conversations/index.js';
import { createSettingsRepo, createSettingsService, isOpenAt, settingsRouter, type TWorkingHours } from './settings/index.js';
import { createSummaryRepo, createSummaryService, summaryRouter } from './summary/index.js';
import {
  createOutboundRepo,
  createOutboundService,
  createSendLookupsRepo,
  outboundRouter,
  SendDispatcher,
  SendGovernor,
  type OutboundService,
} from './outbound/index.js';
import { bookingRouter, createBooking, type Booking } from './booking/index.js';
import { contactsRouter, createContactMergeRepo, createContactProfileRepo, createContactsRepo, createContactsService, type ContactsService } from './contacts/index.js';
import { channelsRouter, createChannels, type ChannelsService } from './channels/index.js';
import { createWebhooks, webhooksRouter, type Webhooks } from './webhooks/index.js';
import { createMetricsFor, metricsRouter, type Metrics } from './metrics/index.js';
import { createAuditRepo } from './audit/audit.repo.js';
import { auditRouter } from './audit/audit.routes.js';
import { botRouter, createBookingTools, createBot, snapshotsRouter, type Bot } from './bot/index.js';
import { connectionsRouter, createMcp, mcpRouter, type Mcp, type McpServices } from './mcp/index.js';
import { createJobs, jobsRouter, type Jobs } from './jobs/index.js';
import { consoleRouter } from './console/index.js';
import { createEvolutionCompat } from './compat/evolution/index.js';

export interface CompositionOverrides {
  /** Tests shorten the engine's clocks. */
  engine?: Partial<EngineOptions>;
  /** Tests subscribe before the engine resumes slots. */
  bus?: DomainEventBus;
}

export interface Composition {
  config: Config;
  secrets: ResolvedSecrets;
  database: Database;
  bus: DomainEventBus;
  feed: SlotChangeFeed;
  engine: SessionEngine;
  /** The send loops of the slots this process runs: stopped before the engine. */
  sends: SendDispatcher;
  services: {
    stores: StoresService;
    sessions: SessionsService;
    messages: MessagesService;
    media: MediaService;
    outbound: OutboundService;
    conversations: ConversationsService;
    booking: Booking;
    contacts: ContactsService;
    channels: ChannelsService;
    bot: Bot;
    webhooks: Webhooks;
    mcp: Mcp;
    jobs: Jobs;
  };
  metrics: Metrics;
  repos: { slots: SlotsRepo };
  app: Express;
}

/** The package version (package.json sits one level above both src/ and dist/). */
export function readVersion(): string {
  return JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
}

export function engineOptions(config: Config, overrides: Partial<EngineOptions> = {}): EngineOptions {
  return {
    ...DEFAULT_ENGINE_OPTIONS,
    maxSlots: config.maxSlots,
    wsUrl: config.whatsapp.wsUrl,
    backoff: { baseMs: config.slots.backoffBaseMs, capMs: config.slots.backoffCapMs },
    maxConsecutiveFailures: config.slots.maxFailures,
    resumeConcurrency: config.slots.resumeConcurrency,
    resumeRatePerSec: config.slots.resumeRatePerSec,
    resumeJitterMs: config.slots.resumeJitterMs,
    scanIntervalMs: config.slots.scanIntervalMs,
    keepAliveIntervalMs: config.slots.keepAliveMs,
    qrTimeoutMs: config.slots.qrTimeoutMs,
    asyncAuthKeyCommit: config.authAsyncKeyCommit,
    // The configured version (or Baileys' own); daemon.ts refreshes it from WhatsApp at boot.
    waWebVersion: config.whatsapp.webVersion,
    ...overrides,
  };
}

export async function compose(config: Config, logger: Logger, overrides: CompositionOverrides = {}): Promise<Composition> {
  const secrets = await resolveSecrets(config);
  if (secrets.file) logger.warn({ file: secrets.file }, 'DRIN_API_KEY or SECRETS_KEY unset: using development secrets kept in the data folder');
  if (config.whatsapp.simulatorRootKey) {
    trustWhatsAppRoot(config.whatsapp.simulatorRootKey);
    logger.warn({ wsUrl: config.whatsapp.wsUrl }, 'trusting the local WhatsApp simulator (test setting)');
  }
  const database = await openDatabase(
    {
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      poolMax: config.dbPoolMax,
      migrate: config.migrateOnStart,
      statementTimeoutMs: config.dbStatementTimeoutMs,
      connectTimeoutMs: config.dbConnectTimeoutMs,
    },
    logger.child({ component: 'database' }),
  );

  const processId = randomUUID();
  const metrics = createMetricsFor(database.prisma);
  // First: every producer below writes its events' webhook deliveries in its own transaction.
  const webhooks = createWebhooks({
    db: database.prisma, keyring: secrets.keyring, log: logger.child({ component: 'webhooks' }), config: config.webhooks,
    observer: { attempted: (result, latencyMs) => metrics.webhookAttempt(result, latencyMs) },
  });
  const slots = createSlotsRepo(database.prisma, database.pool, processId, webhooks.writeEvents);
  const bus = overrides.bus ?? new DomainEventBus(logger.child({ component: 'event-bus' }));
  const feed = new SlotChangeFeed();
  // Test-only: WhatsApp's media hosts are the simulator's (WA_MEDIA_HOST), for downloads and uploads alike.
  const mediaRoute = config.media.hostOverride ? routeMediaTo(config.media.hostOverride) : undefined;
  const options = { ...engineOptions(config, overrides.engine), ...(mediaRoute ? { mediaRoute } : {}) };
  // The engine wakes the send loops it runs; the loops use the engine's sockets.
  let sends: SendDispatcher | undefined;
  const history = createHistoryService({ history: createHistoryRepo(database.prisma), log: logger.child({ component: 'history' }) });
  const engine = new SessionEngine({
    databaseUrl: database.url,
    pool: database.pool,
    slots,
    bus,
    log: logger.child({ component: 'session-engine' }),
    options,
    keyring: secrets.keyring,
    processId,
    onSlotChanged: (ref) => feed.publish(ref),
    storeKeepsHistory: (storeId) => history.keepsHistory(storeId),
    onStoreChanged: (notice) => {
      // Another process rotated the key or deleted the store: the old key stops here too.
      stores.forgetStore(notice.storeId);
      feed.endStreams({ storeId: notice.storeId, keysIssuedBefore: new Date(notice.at), reason: notice.kind });
    },
    onSlotWork: (ref) => sends?.wake(ref),
    onAuthWrite: (write) => metrics.authWrite(write),
  });
  const sessions = createSessionsService({ engine, slots, maxSlots: config.maxSlots, audit: createAuditRepo(database.prisma) });
  if (config.media.hostOverride) logger.warn({ host: config.media.hostOverride.host }, 'WhatsApp media routed to a local host (test setting)');
  const mediaWorker = new MediaWorker(createMediaRepo(database.prisma), logger.child({ component: 'media' }), {
    maxBytes: config.media.maxBytes,
    fetch: mediaRoute,
  });
  const media = createMediaService({ repo: createMediaRepo(database.prisma), worker: mediaWorker });
  const messages = createMessagesService({
    inbound: createInboundRepo(database.prisma, database.pool),
    inbox: createInboxRepo(database.prisma),
    log: logger.child({ component: 'messages' }),
    media,
    outboxWritten: () => webhooks.worker.kick(),
  });
  // Durable: a slot's next event waits until this message is committed (and its media queued).
  messages.subscribe(bus);
  createOwnMessagesService({ repo: createOwnMessagesRepo(database.prisma, webhooks.writeEvents), log: logger.child({ component: 'own-messages' }), media }).subscribe(bus);
  history.subscribe(bus);
  media.subscribe(bus);

  const outboundRepo = createOutboundRepo(database.prisma, webhooks.writeEvents);
  const sendLookups = createSendLookupsRepo(database.prisma);
  const governor = new SendGovernor(database.pool, sendLookups);
  const outbound = createOutboundService({
    engine,
    repo: outboundRepo,
    lookups: sendLookups,
    governor,
    media: config.sendMedia,
    maxSlots: config.maxSlots,
    log: logger.child({ component: 'outbound' }),
  });
  // Durable: a receipt is recorded before the slot's next event.
  outbound.subscribe(bus);
  sends = new SendDispatcher({ repo: outboundRepo, governor, socketFor: (ref) => engine.socketFor(ref), processId, log: logger.child({ component: 'sends' }) });
  sends.subscribe(bus);

  const channels = createChannels({ db: database.prisma, bus, keyring: secrets.keyring, log: logger.child({ component: 'channels' }), config: config.channels, writeEvents: webhooks.writeEvents });

  const conversations = createConversationsService({
    repo: createConversationsRepo(database.prisma, webhooks.writeEvents),
    bus,
    engine,
    sendWhatsApp: (storeId, request) => outbound.send(storeId, request),
    sendOnChannel: (send) => channels.queueChannelSend(send),
  });

  const settings = createSettingsService({ repo: createSettingsRepo(database.prisma) });

  const stores = createStoresService({
    repo: createStoresRepo(database.prisma),
    apiKeyPepper: deriveKey(secrets.apiKeyPepperSecret, 'api-key-pepper'),
    hooks: {
      beforeRemove: (storeId) => sessions.unlinkStore(storeId),
      afterKeyChange: ({ storeId, kind, at }) => engine.announceStoreChange({ storeId, kind, at: at.toISOString() }),
    },
  });

  const booking = createBooking({ db: database.prisma, bus, writeEvents: webhooks.writeEvents });
  const summary = createSummaryService({ repo: createSummaryRepo(database.prisma), appointments: booking.reads });
  metrics.subscribe(bus);
  const bot = createBot({
    db: database.prisma,
    pool: database.pool,
    bus,
    log: logger.child({ component: 'bot' }),
    openRouter: config.openRouter,
    options: config.bot,
    send: (storeId, m, idempotencyKey, turnId) => outbound.send(storeId, { type: 'text', ...m }, idempotencyKey, { origin: 'bot', turnId }),
    openNow: (workingHours, zone, at) => {
      const hours = workingHours as TWorkingHours;
      return Object.values(hours ?? {}).some((day) => day?.length) ? isOpenAt(hours, zone, at) : null;
    },
    tools: (handOff) => createBookingTools({ booking, storeSettings: (storeId) => settings.read(storeId), handOff }),
    onLlmCall: (call) => metrics.llmCall(call),
    writeEvents: webhooks.writeEvents,
  });
  // Durable, after storage: a stored customer message's turn is scheduled before the slot's next event.
  bot.subscribe(bus);
  // Durable, after every other durable subscriber: an event reaches the outbox after the data it describes.
  webhooks.service.subscribe(bus);

  const contacts = createContactsService({
    repo: createContactsRepo(database.prisma, database.pool, webhooks.writeEvents),
    merges: createContactMergeRepo(database.prisma, webhooks.writeEvents),
    profiles: createContactProfileRepo(database.prisma),
    bus,
  });

  const apiKeyPepper = deriveKey(secrets.apiKeyPepperSecret, 'api-key-pepper');
  const mcp = createMcp({ db: database.prisma, keyring: secrets.keyring, tokenPepper: apiKeyPepper });
  await mcp.syncProviders();
  const mcpServices: McpServices = {
    outbound, messages, conversations, contacts, sessions, booking, summary,
    egress: { allowPrivateUrls: config.mcp.allowPrivateUrls, timeoutMs: config.mcp.siteTimeoutMs },
  };
  const audit = createAuditRepo(database.prisma);
  const jobs = createJobs({
    db: database.prisma, processId, log: logger.child({ component: 'jobs' }), housekeeping: config.housekeeping,
    observer: { ran: (job, result, seconds) => metrics.jobRun(job, result, seconds) },
  });

  // Evolution API's clients, answered by the services above; its hooks' bodies rendered at delivery.
  const evolution = createEvolutionCompat({
    db: database.prisma, adminApiKey: secrets.adminApiKey, tokenPepper: apiKeyPepper, maxSlots: config.maxSlots,
    stores, sessions, outbound, webhooks: webhooks.service, conversations,
  });
  webhooks.worker.registerFormat(evolution.payloadFormat.name, evolution.payloadFormat.render);

  const health = createHealthRepo(database.prisma);
  const limits = createRateLimits({ pool: database.pool, config: config.rateLimits, logger });
  const version = readVersion();
  const app = buildApp({
    logger,
    corsOrigins: config.corsOrigins,
    bodyLimit: config.bodyLimit,
    // A send may carry its media as base64 (4/3 of the bytes) beside the other fields.
    largeBodies: { paths: ['/api/whatsapp/:storeId/messages', '/evolution/message/sendMedia/:instanceName', '/evolution/message/sendWhatsAppAudio/:instanceName'], limit: `${Math.ceil((config.sendMedia.maxBytes * 4) / 3 / 1024) + 64}kb` },
    trustProxy: config.trustProxy,
    version,
    rateLimits: limits,
    beforeRoutes: [metrics.httpTimer],
    pages: [consoleRouter()],
    errorShapes: [evolution.errorShape],
    routes: [
      (openapi) => healthRouter({ version, pingDatabase: health.ping, openapi }),
      (openapi) => metricsRouter({ metrics, token: config.metricsToken, openapi }),
      (openapi) => storesRouter({ stores, adminApiKey: secrets.adminApiKey, openapi, limits }),
      (openapi) => sessionsRouter({ sessions, authorizeStore: stores.authorize, feed, maxSlots: config.maxSlots, openapi, limits }),
      (openapi) => messagesRouter({ messages, authorizeStore: stores.authorize, openapi, limits }),
      (openapi) => outboundRouter({ outbound, authorizeStore: stores.authorize, openapi, limits }),
      (openapi) => mediaRouter({ media, authorizeStore: stores.authorize, openapi, limits }),
      (openapi) => conversationsRouter({ conversations, authorizeStore: stores.authorize, openapi, limits }),
      (openapi) => settingsRouter({ settings, authorizeStore: stores.authorize, openapi, limits }),
      (openapi) => summaryRouter({ summary, authorizeStore: stores.authorize, openapi, limits }),
      (openapi) => bookingRouter({ booking, authorizeStore: stores.authorize, openapi, limits }),
      (openapi) => contactsRouter({ contacts, authorizeStore: stores.authorize, openapi, limits }),
      (openapi) => channelsRouter({ channels, authorizeStore: stores.authorize, openapi, limits }),
      (openapi) => botRouter({ bot: bot.service, configs: bot.configs, usage: bot.usage, authorizeStore: stores.authorize, openapi, limits }),
      (openapi) => snapshotsRouter({ snapshots: bot.snapshots, authorizeStore: stores.authorize, openapi, limits }),
      (openapi) => webhooksRouter({ webhooks: webhooks.service, authorizeStore: stores.authorize, openapi, limits }),
      (openapi) => auditRouter({ audit, adminApiKey: secrets.adminApiKey, authorizeStore: stores.authorize, openapi, limits }),
      (openapi) => jobsRouter({ scheduler: jobs.scheduler, runs: jobs.runs, adminApiKey: secrets.adminApiKey, openapi }),
      (openapi) => connectionsRouter({ connections: mcp.connections, authorizeStore: stores.authorize, openapi, limits }),
      (openapi) => mcpRouter({ connections: mcp.connections, services: mcpServices, audit: (entry) => audit.record(entry), allowedOrigins: config.mcp.allowedOrigins, openapi }),
      evolution.routes,
    ],
  });

  return { config, secrets, database, bus, feed, engine, sends, services: { stores, sessions, messages, media, outbound, conversations, booking, contacts, channels, bot, webhooks, mcp, jobs }, metrics, repos: { slots }, app };
}
