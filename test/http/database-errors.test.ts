// Real database failures, made against this file's own Postgres database, and what the error
// middleware answers for them: a missing parent is a 404, a parent still referenced a 409, a
// value too long a 400, and a terminated backend, a statement timeout, a full pool or a refused
// connection a 503 with Retry-After, in the one error shape.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import net from 'node:net';
import pg from 'pg';
import { pino } from 'pino';
import { buildApp } from '../../src/http/app.js';
import { createHealthRepo, healthRouter } from '../../src/health/index.js';
import { deriveKey } from '../../src/security/secrets.js';
import { createStoresRepo, createStoresService, storesRouter } from '../../src/stores/index.js';
import { openConnections } from '../../src/db/prisma.js';
import { toAppError } from '../../src/http/error-middleware.js';
import { ADMIN_KEY, SECRETS_KEY } from '../support/app-harness.js';
import { jsonRequest } from '../support/json-request.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { caught } from '../support/caught.js';

let db: TestDatabase;
let admin: pg.Client;

beforeAll(async () => {
  db = await createTestDatabase();
  admin = new pg.Client({ connectionString: db.url });
  await admin.connect();
  await admin.query('CREATE TABLE probe_parent (id int PRIMARY KEY); CREATE TABLE probe_child (parent int NOT NULL REFERENCES probe_parent); CREATE TABLE probe_short (code varchar(3))');
  await admin.query('INSERT INTO probe_parent VALUES (1); INSERT INTO probe_child VALUES (1)');
});
afterAll(async () => {
  await admin?.end();
  await db?.destroy();
});


/** Backends this file already terminated: they can linger in pg_stat_activity a moment after. */
const terminated: number[] = [];

/** Terminates, from the admin connection, this database's backends that wait on a lock or run `query`. */
async function terminateWhen(match: { waitingOnLock?: true; query?: string }): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { rows } = await admin.query<{ pid: number }>(
      `SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() AND pid <> ALL($3::int[])
          AND (($1::boolean AND wait_event_type = 'Lock') OR ($2::text IS NOT NULL AND query LIKE $2))`,
      [match.waitingOnLock ?? false, match.query ?? null, terminated],
    );
    terminated.push(...rows.map((r) => r.pid));
    if (rows.length) return;
    if (Date.now() > deadline) throw new Error('the backend to terminate never showed up');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const expectUnavailable = (err: unknown) => {
  const appError = toAppError(err);
  expect({ code: appError.code, status: appError.status }).toEqual({ code: 'SERVICE_UNAVAILABLE', status: 503 });
  expect(appError.retryAfterSeconds).toBeGreaterThan(0);
};

describe('what the database refuses', () => {
  it('Prisma P2003 on insert (the store does not exist) is a 404', async () => {
    const err = await caught(() => db.prisma.sessionSlot.create({ data: { storeId: 'no-such-store', slot: 1 } }));
    expect(err).toMatchObject({ code: 'P2003' });
    expect(toAppError(err)).toMatchObject({ code: 'NOT_FOUND', status: 404 });
  });

  it('a parent still referenced (23503 on delete) is a 409, through Prisma and raw pg', async () => {
    const viaPrisma = await caught(() => db.prisma.$executeRaw`DELETE FROM probe_parent WHERE id = 1`);
    expect(viaPrisma).toMatchObject({ meta: { driverAdapterError: { cause: { originalCode: '23503' } } } });
    expect(toAppError(viaPrisma)).toMatchObject({ code: 'CONFLICT', status: 409 });
    const viaPool = await caught(() => db.pool.query('DELETE FROM probe_parent WHERE id = 1'));
    expect(viaPool).toMatchObject({ code: '23503' });
    expect(toAppError(viaPool)).toMatchObject({ code: 'CONFLICT', status: 409 });
    const insert = await caught(() => db.pool.query('INSERT INTO probe_child VALUES (2)'));
    expect(toAppError(insert)).toMatchObject({ code: 'NOT_FOUND', status: 404 });
  });

  it('a value too long (22001) is a 400', async () => {
    const viaPrisma = await caught(() => db.prisma.$executeRaw`INSERT INTO probe_short VALUES (${'abcdef'})`);
    expect(viaPrisma).toMatchObject({ meta: { driverAdapterError: { cause: { kind: 'LengthMismatch' } } } });
    expect(toAppError(viaPrisma)).toMatchObject({ code: 'BAD_REQUEST', status: 400 });
    expect(toAppError(await caught(() => db.pool.query("INSERT INTO probe_short VALUES ('abcdef')")))).toMatchObject({ status: 400 });
  });

  it('a NUL in text (22021) or jsonb (22P05), an unpaired surrogate in jsonb (22P02): a 400', async () => {
    const viaPrisma = await caught(() => db.prisma.store.create({ data: { name: 'a\u0000b', apiKeyHash: 'probe-nul', apiKeyLast4: 'nul0' } }));
    expect(viaPrisma).toMatchObject({ meta: { driverAdapterError: { cause: { originalCode: '22021' } } } });
    expect(toAppError(viaPrisma)).toMatchObject({ code: 'BAD_REQUEST', status: 400 });
    const nulInJson = await caught(() => db.pool.query('SELECT $1::jsonb', [JSON.stringify({ name: 'a\u0000b' })]));
    expect(nulInJson).toMatchObject({ code: '22P05' });
    expect(toAppError(nulInJson)).toMatchObject({ code: 'BAD_REQUEST' });
    const surrogateInJson = await caught(() => db.prisma.$queryRaw`SELECT ${JSON.stringify({ name: '\ud800' })}::jsonb`);
    expect(surrogateInJson).toMatchObject({ meta: { driverAdapterError: { cause: { originalCode: '22P02' } } } });
    expect(toAppError(surrogateInJson)).toMatchObject({ code: 'BAD_REQUEST' });
  });
});

describe('a database connection that is lost or cannot be had', () => {
  it('a backend terminated mid-query (57P01): raw pg, a Prisma model query, a Prisma raw query', async () => {
    const connections = openConnections(db.url, 2);
    // The lock is held on a connection of its own: inside a transaction pg_stat_activity is a
    // snapshot, so the admin connection would never see the waiting backend.
    const locker = new pg.Client({ connectionString: db.url });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE stores IN ACCESS EXCLUSIVE MODE');
      const raw = caught(() => connections.pool.query('SELECT count(*) FROM stores'));
      await terminateWhen({ waitingOnLock: true });
      const model = caught(() => connections.prisma.store.findMany());
      await terminateWhen({ waitingOnLock: true });
      await locker.query('ROLLBACK');
      expect(await raw).toMatchObject({ code: '57P01' });
      expectUnavailable(await raw);
      expectUnavailable(await model);

      const sleeping = caught(() => connections.prisma.$queryRaw`SELECT pg_sleep(30)::text AS probe_sleep`);
      await terminateWhen({ query: '%probe_sleep%' });
      expect(await sleeping).toMatchObject({ meta: { driverAdapterError: { cause: { originalCode: '57P01' } } } });
      expectUnavailable(await sleeping);
    } finally {
      await locker.end();
      await connections.close();
    }
  });

  it('a statement timeout (57014) through Prisma', async () => {
    const err = await caught(() =>
      db.prisma.$transaction(async (tx) => {
        await tx.$executeRaw`SET LOCAL statement_timeout = 50`;
        await tx.$queryRaw`SELECT pg_sleep(5)::text`;
      }),
    );
    expect(err).toMatchObject({ meta: { driverAdapterError: { cause: { originalCode: '57014' } } } });
    expectUnavailable(err);
  });

  it('a pool with no free connection (raw and through Prisma) and a transaction that cannot start in time (P2028)', async () => {
    const connections = openConnections(db.url, 1);
    const pool = new pg.Pool({ connectionString: db.url, max: 1, connectionTimeoutMillis: 100 });
    const { PrismaPg } = await import('@prisma/adapter-pg');
    const { PrismaClient } = await import('../../src/generated/prisma/client.js');
    const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
    const held = await pool.connect();
    try {
      expectUnavailable(await caught(() => pool.query('SELECT 1')));
      expectUnavailable(await caught(() => prisma.store.findMany()));
      const tx = await caught(() => prisma.$transaction(async (t) => t.store.count(), { maxWait: 100 }));
      expectUnavailable(tx);
    } finally {
      held.release();
      await prisma.$disconnect();
      await pool.end();
      await connections.close();
    }
  });

  it('too many connections for the role (53300): raw pg and Prisma (P2037)', async () => {
    const role = `drin_t_nolimit_${randomBytes(4).toString('hex')}`;
    await admin.query(`CREATE ROLE ${role} LOGIN CONNECTION LIMIT 0`);
    const url = new URL(db.url);
    url.username = role;
    url.password = '';
    try {
      const client = new pg.Client({ connectionString: url.toString() });
      const raw = await caught(() => client.connect());
      expect(raw).toMatchObject({ code: '53300' });
      expectUnavailable(raw);
      const connections = openConnections(url.toString(), 1);
      const viaPrisma = await caught(() => connections.prisma.store.findMany());
      expect(viaPrisma).toMatchObject({ code: 'P2037' });
      expectUnavailable(viaPrisma);
      await connections.close();
    } finally {
      await admin.query(`DROP ROLE ${role}`);
    }
  });
});

describe('over HTTP: a daemon whose database is gone', () => {
  it('answers 503 with Retry-After in the one error shape, on admin and store routes', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const gone = openConnections(`postgresql://postgres@127.0.0.1:${port}/gone`, 1);
    // The stores and health routes over a pool whose server does not exist.
    const stores = createStoresService({ repo: createStoresRepo(gone.prisma), apiKeyPepper: deriveKey(SECRETS_KEY, 'api-key-pepper') });
    const app = buildApp({
      logger: pino({ level: 'silent' }),
      version: 'test',
      corsOrigins: [],
      bodyLimit: '1mb',
      trustProxy: 'loopback',
      routes: [
        (openapi) => healthRouter({ version: 'test', pingDatabase: createHealthRepo(gone.prisma).ping, openapi }),
        (openapi) => storesRouter({ stores, adminApiKey: ADMIN_KEY, openapi }),
      ],
    });
    const server: Server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const base = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    try {
      for (const [method, path, key] of [
        ['GET', '/api/admin/stores', ADMIN_KEY],
        ['POST', '/api/admin/stores', ADMIN_KEY],
        ['GET', '/api/stores/some-store', 'drin_sk_some_key'],
        ['GET', '/ready', undefined],
      ] as const) {
        const res = await jsonRequest(base, method, path, { key, ...(method === 'POST' ? { body: { name: 'x' } } : {}) });
        expect({ path, status: res.status, retryAfter: res.headers.get('retry-after') }).toEqual({ path, status: 503, retryAfter: '5' });
        expect(res.body).toEqual({ error: { code: 'SERVICE_UNAVAILABLE', message: expect.any(String), requestId: expect.any(String) } });
      }
    } finally {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await gone.close();
    }
  });
});
