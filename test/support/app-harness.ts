// The real app from the composition root over a real database, listening on an ephemeral loopback
// port, driven with fetch. The session engine runs no slots: these tests are about HTTP, stores
// and keys, not WhatsApp (test/support/daemon-harness.ts runs the whole daemon).
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino, type Logger } from 'pino';
import { compose, type Composition } from '../../src/composition.js';
import { loadConfig } from '../../src/config/config.js';
import { RATE_LIMITS_OFF } from './daemon-env.js';
import { jsonRequest, type JsonRequestOptions } from './json-request.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export const ADMIN_KEY = 'test_admin_key_0123456789abcdef';
export const SECRETS_KEY = 'test_secrets_key_0123456789abcdef0123456789';

export interface AppHarness {
  baseUrl: string;
  db: TestDatabase;
  services: Composition['services'];
  /** The daemon's event bus: tests subscribe to see the domain events a route emits. */
  bus: Composition['bus'];
  /** The Express app itself, for tests of its routing table. */
  app: Composition['app'];
  request(method: string, path: string, opts?: JsonRequestOptions): ReturnType<typeof jsonRequest>;
  close(): Promise<void>;
}

export async function startAppHarness(opts: { logger?: Logger; corsOrigins?: string[]; bodyLimit?: string; env?: Record<string, string> } = {}): Promise<AppHarness> {
  const db = await createTestDatabase();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'drin-app-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: db.url,
    DB_MIGRATE_ON_START: 'false',
    DATA_DIR: dataDir,
    DRIN_API_KEY: ADMIN_KEY,
    SECRETS_KEY,
    CORS_ORIGINS: (opts.corsOrigins ?? ['http://dashboard.test']).join(','),
    BODY_LIMIT: opts.bodyLimit ?? '1mb',
    // Tests of limits set their own (test/http/rate-limits); the rest must not trip them.
    ...RATE_LIMITS_OFF,
    ...opts.env,
  });
  const parts = await compose(config, opts.logger ?? pino({ level: 'silent' }));
  // Commands on slots nobody runs (a store's deletion logs its slots out) need the lock connection.
  await parts.engine.start({ runSlots: false });
  const server: Server = await new Promise((resolve) => {
    const s = parts.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    baseUrl,
    db,
    services: parts.services,
    bus: parts.bus,
    app: parts.app,
    request: (method, urlPath, opts) => jsonRequest(baseUrl, method, urlPath, opts),
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await parts.engine.stop();
      // Deliveries kicked by events of the test finish before the database closes.
      await parts.services.webhooks.worker.stop();
      await parts.database.close();
      await db.destroy();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
