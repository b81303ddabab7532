// The real app over a real database, listening on an ephemeral loopback port, driven with fetch.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino, type Logger } from 'pino';
import { buildApp } from '../../src/app.js';
import { createServices, type Services } from '../../src/services.js';
import { jsonRequest, type JsonRequestOptions } from './json-request.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export const ADMIN_KEY = 'test_admin_key_0123456789abcdef';
export const SECRETS_KEY = 'test_secrets_key_0123456789abcdef0123456789';

export interface AppHarness {
  baseUrl: string;
  db: TestDatabase;
  services: Services;
  request(method: string, path: string, opts?: JsonRequestOptions): ReturnType<typeof jsonRequest>;
  close(): Promise<void>;
}

export async function startAppHarness(opts: { logger?: Logger; corsOrigins?: string[]; bodyLimit?: string } = {}): Promise<AppHarness> {
  const db = await createTestDatabase();
  const services = createServices(db.prisma, SECRETS_KEY);
  const app = buildApp({
    logger: opts.logger ?? pino({ level: 'silent' }),
    version: 'test',
    adminApiKey: ADMIN_KEY,
    corsOrigins: opts.corsOrigins ?? ['http://dashboard.test'],
    bodyLimit: opts.bodyLimit ?? '1mb',
    trustProxy: 'loopback',
    stores: services.stores,
    pingDatabase: async () => {
      await db.prisma.$queryRaw`SELECT 1`;
    },
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    baseUrl,
    db,
    services,
    request: (method, path, opts) => jsonRequest(baseUrl, method, path, opts),
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await db.destroy();
    },
  };
}
