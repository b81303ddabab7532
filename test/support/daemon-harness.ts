// The whole daemon in-process (startDaemon) against a database of the test file's own and the
// local WhatsApp simulator, with the engine's clocks shortened. A test may stop and start the
// daemon again on the same database to check what survives a restart.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../../src/config/config.js';
import { startDaemon, type RunningDaemon } from '../../src/daemon.js';
import type { DomainEventName, DomainEvents } from '../../src/events/domain-events.js';
import { DomainEventBus } from '../../src/events/event-bus.js';
import type { EngineOptions } from '../../src/whatsapp/engine/index.js';
import { AsyncQueue } from '../wa-sim/async-queue.js';
import { afterAll, beforeAll } from '@jest/globals';
import type { SimulatorOptions, WhatsAppSimulator } from '../wa-sim/index.js';
import { useSimulatorSuite } from '../wa-sim/simulator-suite.js';
import { daemonEnv } from './daemon-env.js';
import { jsonRequest, type JsonRequestOptions } from './json-request.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

/**
 * Fast clocks for tests: no boot jitter, quick scans, short backoff. The waits that end on an
 * event (a start's first QR, a command's answer) are long: they cost nothing on a quiet machine
 * and keep a busy one from answering before the event.
 */
export const FAST_ENGINE: Partial<EngineOptions> = {
  resumeJitterMs: 0,
  scanIntervalMs: 500,
  backoff: { baseMs: 300, capMs: 3_000 },
  startWaitMs: 30_000,
  commandTimeoutMs: 30_000,
};

export { ADMIN_KEY, SECRETS_KEY, daemonEnv } from './daemon-env.js';

export interface DaemonHarness {
  db: TestDatabase;
  daemon: RunningDaemon;
  /** Every domain event the current daemon emitted, for waiting on. */
  events: AsyncQueue<{ type: DomainEventName; event: DomainEvents[DomainEventName] }>;
  start(): Promise<RunningDaemon>;
  stop(): Promise<void>;
  createStore(name?: string): Promise<{ storeId: string; apiKey: string }>;
  request(method: string, path: string, opts?: JsonRequestOptions): ReturnType<typeof jsonRequest>;
  close(): Promise<void>;
}

export async function createDaemonHarness(sim: WhatsAppSimulator, opts: { engine?: Partial<EngineOptions>; env?: Record<string, string> } = {}): Promise<DaemonHarness> {
  const db = await createTestDatabase();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'drin-harness-'));
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const harness: DaemonHarness = {
    db,
    daemon: undefined as unknown as RunningDaemon,
    events: new AsyncQueue(),
    async start() {
      const config = loadConfig(daemonEnv(sim, db, dataDir, opts.env));
      const events = new AsyncQueue<{ type: DomainEventName; event: DomainEvents[DomainEventName] }>();
      harness.events = events;
      const bus = new DomainEventBus(logger);
      const recorded = ['session.status', 'session.qr', 'message.received', 'message.sent', 'message.status', 'message.history', 'contact.created', 'contact.updated', 'conversation.opened', 'conversation.closed', 'bot.replied', 'bot.handoff'] as const;
      for (const type of recorded) {
        bus.on(type, 'test-recorder', (event) => events.push({ type, event }));
      }
      const daemon = await startDaemon(config, logger, { engine: { ...FAST_ENGINE, ...opts.engine }, bus });
      // The daemon listens while it resumes; the tests read the resumed slots right after start.
      await daemon.engine.resumed();
      harness.daemon = daemon;
      return daemon;
    },
    async stop() {
      await harness.daemon?.stop();
    },
    async createStore(name = 'Harness Store') {
      const store = await harness.daemon.services.stores.create(name, { actor: 'admin' });
      return { storeId: store.storeId, apiKey: store.apiKey };
    },
    request: (method, urlPath, opts) => jsonRequest(harness.daemon.url, method, urlPath, opts),
    async close() {
      await harness.stop().catch(() => {});
      await db.destroy();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  await harness.start();
  return harness;
}

/** Waits for a domain event of `type` matching `match`. */
export function waitForEvent<K extends DomainEventName>(
  h: DaemonHarness,
  type: K,
  match: (e: DomainEvents[K]) => boolean,
  timeoutMs = 30_000,
): Promise<DomainEvents[K]> {
  return h.events
    .take((x) => x.type === type && match(x.event as DomainEvents[K]), `${type}`, timeoutMs)
    .then((x) => x.event as DomainEvents[K]);
}

/** Reads a Server-Sent Events stream into a queue of {event, data}. */
export async function openEventStream(url: string, key: string): Promise<{ events: AsyncQueue<{ event: string; data: any }>; close(): void }> {
  const controller = new AbortController();
  const res = await fetch(url, { headers: { authorization: `Bearer ${key}` }, signal: controller.signal });
  if (res.status !== 200 || !res.body) throw new Error(`event stream answered ${res.status}`);
  const events = new AsyncQueue<{ event: string; data: any }>();
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data) });
        }
      }
    } catch {
      /* aborted */
    }
  })();
  return { events, close: () => controller.abort() };
}

/**
 * Jest hooks for a test file that runs the daemon against its own simulator: starts both before
 * the file's tests and closes them after. Use `ctx.h` and `ctx.sim` inside tests.
 */
export function useDaemonSuite(opts: { sim?: SimulatorOptions; engine?: Partial<EngineOptions>; env?: Record<string, string> } = {}) {
  const suite = useSimulatorSuite(opts.sim);
  const ctx = {
    h: undefined as unknown as DaemonHarness,
    get sim(): WhatsAppSimulator {
      return suite.sim;
    },
  };
  beforeAll(async () => {
    ctx.h = await createDaemonHarness(suite.sim, { engine: opts.engine, env: opts.env });
  });
  afterAll(async () => {
    await ctx.h?.close();
  });
  return ctx;
}
