// Starts and stops the whole daemon in order: secrets → database → services → WhatsApp engine →
// HTTP. Shutdown runs in reverse and is bounded, so PM2's kill_timeout is never reached.
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { buildApp } from './app.js';
import type { Config } from './config/config.js';
import { resolveSecrets } from './config/dev-secrets.js';
import { openDatabase, type Database } from './db/database.js';
import { DomainEventBus } from './events/event-bus.js';
import { createServices, type Services } from './services.js';
import { createSessionsService } from './whatsapp/sessions/index.js';
import {
  createSlotsRepo,
  DEFAULT_ENGINE_OPTIONS,
  resolveWaWebVersion,
  SessionEngine,
  SlotChangeFeed,
  trustWhatsAppRoot,
  type EngineOptions,
} from './whatsapp/engine/index.js';

/** The package version (package.json sits one level above both src/ and dist/). */
export function readVersion(): string {
  return JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
}

export interface RunningDaemon {
  url: string;
  database: Database;
  services: Services;
  bus: DomainEventBus;
  engine: SessionEngine;
  /** Set only when the admin key was generated on this start. */
  generatedAdminKey?: string;
  stop(): Promise<void>;
}

export interface DaemonOverrides {
  /** Tests shorten the engine's clocks. */
  engine?: Partial<EngineOptions>;
  /** Tests subscribe before the engine resumes slots. */
  bus?: DomainEventBus;
}

export async function startDaemon(config: Config, logger: Logger, overrides: DaemonOverrides = {}): Promise<RunningDaemon> {
  const secrets = await resolveSecrets(config);
  if (secrets.file) logger.warn({ file: secrets.file }, 'DRIN_API_KEY or SECRETS_KEY unset: using development secrets kept in the data folder');
  if (config.whatsapp.simulatorRootKey) {
    trustWhatsAppRoot(config.whatsapp.simulatorRootKey);
    logger.warn({ wsUrl: config.whatsapp.wsUrl }, 'trusting the local WhatsApp simulator (test setting)');
  }

  const database = await openDatabase(
    { databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolMax: config.dbPoolMax, migrate: config.migrateOnStart },
    logger.child({ component: 'database' }),
  );
  const services = createServices(database.prisma, secrets.secretsKey);
  const bus = overrides.bus ?? new DomainEventBus(logger.child({ component: 'event-bus' }));
  const feed = new SlotChangeFeed();
  const slots = createSlotsRepo(database.prisma, database.pool);
  const options: EngineOptions = {
    ...DEFAULT_ENGINE_OPTIONS,
    maxSlots: config.maxSlots,
    wsUrl: config.whatsapp.wsUrl,
    backoff: { baseMs: config.slots.backoffBaseMs, capMs: config.slots.backoffCapMs },
    maxConsecutiveFailures: config.slots.maxFailures,
    resumeConcurrency: config.slots.resumeConcurrency,
    resumeJitterMs: config.slots.resumeJitterMs,
    scanIntervalMs: config.slots.scanIntervalMs,
    keepAliveIntervalMs: config.slots.keepAliveMs,
    qrTimeoutMs: config.slots.qrTimeoutMs,
    waWebVersion: await resolveWaWebVersion(
      { configured: config.whatsapp.webVersion, refresh: config.whatsapp.webVersionRefresh },
      logger.child({ component: 'wa-version' }),
    ),
    ...overrides.engine,
  };
  const engine = new SessionEngine({
    databaseUrl: database.url,
    pool: database.pool,
    slots,
    bus,
    log: logger.child({ component: 'session-engine' }),
    options,
    onSlotChanged: (ref) => feed.publish(ref),
  });
  const sessions = createSessionsService({ engine, slots, maxSlots: config.maxSlots, startWaitMs: options.startWaitMs });

  const app = buildApp({
    logger,
    version: readVersion(),
    adminApiKey: secrets.adminApiKey,
    corsOrigins: config.corsOrigins,
    bodyLimit: config.bodyLimit,
    trustProxy: config.trustProxy,
    stores: services.stores,
    whatsapp: { sessions, feed, maxSlots: config.maxSlots },
    pingDatabase: async () => {
      await database.prisma.$queryRaw`SELECT 1`;
    },
  });

  try {
    await engine.start();
  } catch (err) {
    await database.close();
    throw err;
  }
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.port, config.host, () => resolve(s));
    s.once('error', reject);
  }).catch(async (err) => {
    await engine.stop();
    await database.close();
    throw err;
  });
  // Keep-alive longer than Nginx's upstream keepalive so Nginx never reuses a closed socket.
  server.keepAliveTimeout = 65_000;
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${config.host}:${port}`,
    database,
    services,
    bus,
    engine,
    generatedAdminKey: secrets.generatedAdminKey,
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await engine.stop();
      // Live event streams never end on their own.
      server.closeAllConnections();
      await closed;
      await database.close();
    },
  };
}
