// Acceptance: 429 with Retry-After in the error shape past each limit, the counts shared by two
// daemons on one database (every limit is tripped by hits split across both), an address that
// guessed keys refused even with the right one, the per-store event-stream cap held across
// processes, the in-memory fallback when the limiter's database is down, and a stuck statement or
// a starved pool answered 503 instead of holding the request.
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Express } from 'express';
import pg from 'pg';
import { pino } from 'pino';
import { buildApp } from '../../src/http/app.js';
import { loadConfig } from '../../src/config/config.js';
import { startDaemon, type RunningDaemon } from '../../src/daemon.js';
import { openConnections } from '../../src/db/prisma.js';
import { createRateLimits } from '../../src/http/rate-limits.js';
import { deriveKey } from '../../src/security/secrets.js';
import { createStoresRepo, createStoresService, storesRouter } from '../../src/stores/index.js';
import { useSimulatorSuite } from '../wa-sim/simulator-suite.js';
import { ADMIN_KEY, daemonEnv, FAST_ENGINE, SECRETS_KEY } from '../support/daemon-harness.js';
import { jsonRequest, type JsonRequestOptions } from '../support/json-request.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const LIMITS = {
  RATE_LIMIT_IP_PER_MIN: '8',
  RATE_LIMIT_STORE_KEY_PER_MIN: '5',
  RATE_LIMIT_ADMIN_PER_MIN: '5',
  RATE_LIMIT_AUTH_FAILURES: '3',
  RATE_LIMIT_AUTH_WINDOW_SEC: '900',
  RATE_LIMIT_AUTH_BLOCK_SEC: '600',
  RATE_LIMIT_SESSION_STARTS: '2',
  RATE_LIMIT_SESSION_START_WINDOW_SEC: '600',
  SSE_MAX_STREAMS_PER_STORE: '2',
};

const suite = useSimulatorSuite();
let db: TestDatabase;
let dataDir: string;
let daemons: RunningDaemon[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  dataDir = await mkdtemp(path.join(tmpdir(), 'drin-limits-'));
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  for (let i = 0; i < 2; i++) {
    const config = loadConfig(daemonEnv(suite.sim, db, path.join(dataDir, String(i)), LIMITS));
    daemons.push(await startDaemon(config, logger, { engine: FAST_ENGINE }));
  }
});
afterAll(async () => {
  await Promise.all(daemons.map((d) => d.stop()));
  daemons = [];
  await db?.destroy();
  await rm(dataDir, { recursive: true, force: true });
});

// Every request comes from an address of its own unless a test names one (trust proxy is
// `loopback`, so X-Forwarded-For from the test is believed), so per-IP counts never leak between tests.
let nextIp = 1;
const freshIp = () => `198.51.100.${nextIp++}`;

/** Sends to daemon `i % 2`, so consecutive hits alternate between the two processes. */
function hit(i: number, method: string, urlPath: string, opts: JsonRequestOptions & { ip?: string } = {}) {
  const { ip = freshIp(), headers, ...rest } = opts;
  return jsonRequest(daemons[i % 2]!.url, method, urlPath, { ...rest, headers: { 'x-forwarded-for': ip, ...headers } });
}

async function createStore(name: string) {
  const store = await daemons[0]!.services.stores.create(name, { actor: 'admin' });
  return { storeId: store.storeId, apiKey: store.apiKey };
}

function expectRateLimited(res: { status: number; body: any; headers: Headers }, message: RegExp) {
  expect(res.status).toBe(429);
  expect(res.body).toEqual({
    error: { code: 'RATE_LIMITED', message: expect.stringMatching(message), requestId: expect.any(String), details: { retryAfterSeconds: expect.any(Number) } },
  });
  const retryAfter = Number(res.headers.get('retry-after'));
  expect(Number.isInteger(retryAfter) && retryAfter >= 1).toBe(true);
  expect(res.body.error.details.retryAfterSeconds).toBe(retryAfter);
  return retryAfter;
}

describe('limits shared by two daemon processes', () => {
  it('per IP on store routes: hits split across both daemons trip it, another address is unaffected', async () => {
    const ip = freshIp();
    // Four stores, two hits each: under the per-key limit, so only the address's count can trip.
    const stores = await Promise.all([1, 2, 3, 4].map((n) => createStore(`IP ${n}`)));
    for (let i = 0; i < 8; i++) {
      const s = stores[i % 4]!;
      expect((await hit(i, 'GET', `/api/stores/${s.storeId}`, { key: s.apiKey, ip })).status).toBe(200);
    }
    const refused = await hit(8, 'GET', `/api/whatsapp/${stores[0]!.storeId}/sessions`, { key: stores[0]!.apiKey, ip });
    const retryAfter = expectRateLimited(refused, /address/);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect((await hit(9, 'GET', `/api/stores/${stores[0]!.storeId}`, { key: stores[0]!.apiKey })).status).toBe(200);
  });

  it('per store key: hits from many addresses on both daemons trip it, another store is unaffected', async () => {
    const store = await createStore('Busy');
    const other = await createStore('Quiet');
    for (let i = 0; i < 5; i++) {
      const urlPath = i % 2 ? `/api/whatsapp/${store.storeId}/sessions` : `/api/stores/${store.storeId}`;
      expect((await hit(i, 'GET', urlPath, { key: store.apiKey })).status).toBe(200);
    }
    expectRateLimited(await hit(5, 'GET', `/api/stores/${store.storeId}`, { key: store.apiKey }), /store/);
    expectRateLimited(await hit(6, 'GET', `/api/whatsapp/${store.storeId}/sessions`, { key: store.apiKey }), /store/);
    expect((await hit(7, 'GET', `/api/stores/${other.storeId}`, { key: other.apiKey })).status).toBe(200);
  });

  it('admin routes: per IP, across both daemons', async () => {
    const ip = freshIp();
    for (let i = 0; i < 5; i++) expect((await hit(i, 'GET', '/api/admin/stores', { key: ADMIN_KEY, ip })).status).toBe(200);
    expectRateLimited(await hit(5, 'POST', '/api/admin/stores', { key: ADMIN_KEY, ip, body: { name: 'x' } }), /admin/);
    expect((await hit(6, 'GET', '/api/admin/stores', { key: ADMIN_KEY })).status).toBe(200);
  });

  it('failed authentication: after 3 bad keys from one address, even the right key is refused there', async () => {
    const store = await createStore('Guessed');
    const ip = freshIp();
    const guesses = [`drin_wrong_${'a'.repeat(20)}`, undefined, 'not-even-a-key'];
    for (let i = 0; i < guesses.length; i++) {
      const res = await hit(i, 'GET', `/api/stores/${store.storeId}`, { key: guesses[i], ip });
      expect(res.status).toBe(401);
    }
    for (let i = 0; i < 2; i++) {
      const refused = await hit(i, 'GET', `/api/stores/${store.storeId}`, { key: store.apiKey, ip });
      // The block (600 s), not what is left of a minute.
      expect(expectRateLimited(refused, /failed authentications/)).toBeGreaterThan(60);
    }
    expectRateLimited(await hit(0, 'GET', '/api/admin/stores', { key: ADMIN_KEY, ip }), /failed authentications/);
    expect((await hit(1, 'GET', `/api/stores/${store.storeId}`, { key: store.apiKey })).status).toBe(200);
  });

  it('another store\'s key (403) is not a failed authentication', async () => {
    const mine = await createStore('Mine');
    const theirs = await createStore('Theirs');
    const ip = freshIp();
    for (let i = 0; i < 4; i++) expect((await hit(i, 'GET', `/api/stores/${theirs.storeId}`, { key: mine.apiKey, ip })).status).toBe(403);
    expect((await hit(4, 'GET', `/api/stores/${mine.storeId}`, { key: mine.apiKey, ip })).status).toBe(200);
  });

  it('QR and pairing-code starts: 2 per slot, counted on both daemons together', async () => {
    const store = await createStore('Starts');
    const base = `/api/whatsapp/${store.storeId}/1`;
    // Whether a QR is already up when start answers depends on the machine's load, not the limit.
    expect((await hit(0, 'POST', `${base}/start`, { key: store.apiKey })).status).toBe(200);
    expect((await hit(1, 'POST', `${base}/start`, { key: store.apiKey })).status).toBe(200);
    expectRateLimited(await hit(0, 'POST', `${base}/pairing-code`, { key: store.apiKey, body: { phone: '+55 11 93333-0009' } }), /starts/);
    expectRateLimited(await hit(1, 'POST', `${base}/start`, { key: store.apiKey }), /starts/);
    // Stop is not a start.
    expect((await hit(0, 'POST', `${base}/stop`, { key: store.apiKey })).status).toBe(200);
  });

  it('event streams: at most 2 open per store across both daemons; closing one frees its place', async () => {
    const store = await createStore('Streams');
    const other = await createStore('Other streams');
    const a = await openStream(0, store);
    const b = await openStream(1, store);
    try {
      expectRateLimited(await hit(0, 'GET', `/api/whatsapp/${store.storeId}/events`, { key: store.apiKey }), /event streams/);
      const elsewhere = await openStream(1, other);
      elsewhere.close();
      a.close();
      await waitFor(async () => (await db.prisma.eventStreamLease.count({ where: { storeId: store.storeId } })) === 1);
      const again = await openStream(1, store);
      again.close();
    } finally {
      a.close();
      b.close();
    }
  });
});

/** Opens an SSE stream (expects 200 and the first event) and keeps it open until close(). */
async function openStream(i: number, store: { storeId: string; apiKey: string }): Promise<{ close(): void }> {
  const controller = new AbortController();
  const res = await fetch(`${daemons[i % 2]!.url}/api/whatsapp/${store.storeId}/events`, {
    headers: { authorization: `Bearer ${store.apiKey}`, 'x-forwarded-for': freshIp() },
    signal: controller.signal,
  });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const first = await reader.read();
  expect(new TextDecoder().decode(first.value)).toContain('event: snapshot');
  return { close: () => controller.abort() };
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The app over pools of the test's choosing, listening on loopback. */
async function listen(app: Express): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The stores routes over a database (and limiters) of the test's choosing. */
function appOver(prisma: TestDatabase['prisma'], rateLimits?: ReturnType<typeof createRateLimits>) {
  const stores = createStoresService({ repo: createStoresRepo(prisma), apiKeyPepper: deriveKey(SECRETS_KEY, 'api-key-pepper') });
  return buildApp({
    logger: pino({ level: 'silent' }),
    version: 'test',
    corsOrigins: [],
    bodyLimit: '1mb',
    trustProxy: 'loopback',
    rateLimits,
    routes: [(openapi) => storesRouter({ stores, adminApiKey: ADMIN_KEY, openapi, limits: rateLimits })],
  });
}

describe('when the limiter\'s database is down', () => {
  it('falls back to counting in memory: the limit still holds in this process', async () => {
    // Nothing listens on port 1: every query of this pool fails at once.
    const deadPool = new pg.Pool({ connectionString: 'postgresql://postgres@127.0.0.1:1/none', connectionTimeoutMillis: 1_000 });
    deadPool.on('error', () => {});
    const limits = createRateLimits({ pool: deadPool, config: loadConfig({ ...LIMITS, RATE_LIMIT_ADMIN_PER_MIN: '2' }).rateLimits, logger: pino({ level: 'silent' }) });
    const server = await listen(appOver(db.prisma, limits));
    try {
      for (let i = 0; i < 2; i++) expect((await jsonRequest(server.url, 'GET', '/api/admin/stores', { key: ADMIN_KEY })).status).toBe(200);
      expectRateLimited(await jsonRequest(server.url, 'GET', '/api/admin/stores', { key: ADMIN_KEY }), /admin/);
    } finally {
      limits.close();
      await server.close();
      await deadPool.end();
    }
  });
});

describe('pool timeouts', () => {
  it('a statement past DB_STATEMENT_TIMEOUT_MS is cancelled and answered 503', async () => {
    const connections = openConnections(db.url, 2, { statementTimeoutMs: 1_000 });
    const locker = new pg.Client({ connectionString: db.url });
    await locker.connect();
    const server = await listen(appOver(connections.prisma));
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE stores IN ACCESS EXCLUSIVE MODE');
      const res = await jsonRequest(server.url, 'GET', '/api/admin/stores', { key: ADMIN_KEY });
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('SERVICE_UNAVAILABLE');
      await locker.query('ROLLBACK');
      // The connection is still good once the lock is gone.
      expect((await jsonRequest(server.url, 'GET', '/api/admin/stores', { key: ADMIN_KEY })).status).toBe(200);
    } finally {
      await locker.end();
      await server.close();
      await connections.close();
    }
  });

  it('no pooled connection within DB_CONNECT_TIMEOUT_MS is answered 503', async () => {
    const connections = openConnections(db.url, 1, { connectTimeoutMs: 300 });
    const server = await listen(appOver(connections.prisma));
    const held = await connections.pool.connect();
    try {
      const res = await jsonRequest(server.url, 'GET', '/api/admin/stores', { key: ADMIN_KEY });
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('SERVICE_UNAVAILABLE');
    } finally {
      held.release();
      await server.close();
      await connections.close();
    }
  });
});
