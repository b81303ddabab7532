// The real app over a real database, listening on an ephemeral loopback port, driven with fetch.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino, type Logger } from 'pino';
import { buildApp } from '../../src/app.js';
import { createServices, type Services } from '../../src/services.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export const ADMIN_KEY = 'test_admin_key_0123456789abcdef';
export const SECRETS_KEY = 'test_secrets_key_0123456789abcdef0123456789';

export interface AppHarness {
  baseUrl: string;
  db: TestDatabase;
  services: Services;
  request(method: string, path: string, opts?: { key?: string; body?: unknown; rawBody?: string | Buffer; headers?: Record<string, string> }): Promise<{ status: number; body: any; headers: Headers }>;
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
    async request(method, path, { key, body, rawBody, headers = {} } = {}) {
      const h: Record<string, string> = { ...headers };
      if (key) h.authorization = `Bearer ${key}`;
      let payload: string | Buffer | undefined = rawBody;
      if (body !== undefined) {
        payload = JSON.stringify(body);
        h['content-type'] ??= 'application/json';
      } else if (rawBody !== undefined) {
        h['content-type'] ??= 'application/json';
      }
      const res = await fetch(baseUrl + path, { method, headers: h, body: payload });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        /* not JSON: keep the text */
      }
      return { status: res.status, body: parsed, headers: res.headers };
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await db.destroy();
    },
  };
}
