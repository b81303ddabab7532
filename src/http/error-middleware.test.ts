// toAppError over real errors where this machine can make them without a database: Baileys'
// Boom (@hapi/boom), node-postgres against a closed port or a server that hangs up, and Prisma's
// driver adapter over the same. The ones needing a live Postgres (P2003, 57P01…) are in
// test/http/database-errors.test.ts.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Boom, boomify } from '@hapi/boom';
import net from 'node:net';
import { gunzipSync } from 'node:zlib';
import createHttpError from 'http-errors';
import pg from 'pg';
import { ZodError, z } from 'zod';
import { openConnections } from '../db/prisma.js';
import { Prisma } from '../generated/prisma/client.js';
import { AppError, ErrorCode } from '../kernel/index.js';
import { toAppError } from './error-middleware.js';

/** The error `run` fails with (the test fails when it does not). */
const caught = (run: () => Promise<unknown>): Promise<unknown> => run().then(() => Promise.reject(new Error('expected a failure')), (err: unknown) => err);


function caughtSync(run: () => unknown): unknown {
  try {
    run();
  } catch (err) {
    return err;
  }
  throw new Error('expected a failure');
}

/** A loopback TCP server that does `onSocket` to every connection, and its port. */
async function tcpServer(onSocket: (socket: net.Socket) => void): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    onSocket(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on: taken, then given back. */
async function closedPort(): Promise<number> {
  const server = await tcpServer(() => {});
  await server.close();
  return server.port;
}

const urlAt = (port: number) => `postgresql://postgres@127.0.0.1:${port}/nothing`;

describe('toAppError: what already had a shape', () => {
  it('keeps an AppError', () => {
    const err = new AppError(ErrorCode.CONFLICT, 'busy');
    expect(toAppError(err)).toBe(err);
  });

  it('turns a ZodError into 400 with the issues', () => {
    const err = z.object({ a: z.string() }).safeParse({ a: 1 }).error as ZodError;
    expect(toAppError(err)).toMatchObject({ code: 'VALIDATION_FAILED', status: 400, details: [{ path: 'a' }] });
  });

  it("the router's error for a path that is not percent-encoding is a 400", () => {
    // What router/lib/layer.js throws for /api/stores/%ZZ.
    const err = caughtSync(() => decodeURIComponent('%ZZ'));
    Object.assign(err as object, { status: 400, statusCode: 400 });
    expect(toAppError(err)).toMatchObject({ code: 'BAD_REQUEST', status: 400 });
  });

  it("body-parser's wrapping of a zlib error (a body that is not the gzip it claims) is a 400", () => {
    const zlibError = caughtSync(() => gunzipSync(Buffer.from('not gzip at all')));
    expect(toAppError(createHttpError(400, createHttpError(400, zlibError as Error)))).toMatchObject({ code: 'BAD_REQUEST', status: 400 });
  });

  it('another library\'s error that merely has a `status` stays a 500', () => {
    expect(toAppError(Object.assign(new Error('Request failed with status code 404'), { status: 404 }))).toMatchObject({ status: 500 });
  });

  it('hides an unknown error behind a 500', () => {
    expect(toAppError(new TypeError('x is undefined'))).toMatchObject({ code: 'INTERNAL', status: 500, message: 'Internal error' });
  });
});

describe('toAppError: WhatsApp (Baileys throws @hapi/boom errors)', () => {
  it.each([
    ['Connection Closed', 428],
    ['Timed Out', 408],
    ['Service Unavailable', 503],
    ['Stream Errored (restart required)', 515],
    ['Bad MAC', 500],
  ])('a Boom %j (%i) is a 503 with Retry-After', (message, statusCode) => {
    const appError = toAppError(new Boom(message, { statusCode }));
    expect(appError).toMatchObject({ code: 'SERVICE_UNAVAILABLE', status: 503 });
    expect(appError.retryAfterSeconds).toBeGreaterThan(0);
    expect(appError.message).not.toContain(message);
  });

  it('a Boom without a status (Baileys\' default, 500) is a 503 too', () => {
    expect(toAppError(new Boom('Invalid account signature'))).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
  });

  it.each([
    [400, 'BAD_REQUEST', 400],
    [401, 'CONFLICT', 409],
    [403, 'CONFLICT', 409],
    [404, 'NOT_FOUND', 404],
    [411, 'CONFLICT', 409],
    [440, 'CONFLICT', 409],
    [429, 'RATE_LIMITED', 429],
  ])('a Boom %i is %s (%i) with a message of our own', (statusCode, code, status) => {
    const appError = toAppError(new Boom('iq: item-not-found <stanza secret=1>', { statusCode, data: { tag: 'iq' } }));
    expect(appError).toMatchObject({ code, status });
    expect(appError.message).toMatch(/WhatsApp/);
    expect(appError.message).not.toContain('stanza');
  });

  it('a boomified error (Baileys wraps socket errors so) maps by its status', () => {
    const boom = boomify(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), { statusCode: 428 });
    expect(toAppError(boom)).toMatchObject({ code: 'SERVICE_UNAVAILABLE', message: expect.stringMatching(/WhatsApp/) });
  });
});

describe('toAppError: a database that is not there (real node-postgres and Prisma errors)', () => {
  let hangUp: Awaited<ReturnType<typeof tcpServer>>;
  let silent: Awaited<ReturnType<typeof tcpServer>>;
  beforeAll(async () => {
    hangUp = await tcpServer((socket) => socket.destroy());
    silent = await tcpServer(() => {});
  });
  afterAll(async () => {
    await hangUp.close();
    await silent.close();
  });

  const expectUnavailable = (err: unknown) => {
    const appError = toAppError(err);
    expect(appError).toMatchObject({ code: 'SERVICE_UNAVAILABLE', status: 503, message: 'The database is unavailable; try again shortly' });
    expect(appError.retryAfterSeconds).toBeGreaterThan(0);
  };

  it('pg: connection refused (ECONNREFUSED)', async () => {
    const client = new pg.Client({ connectionString: urlAt(await closedPort()) });
    const err = await caught(() => client.connect());
    expect(err).toMatchObject({ code: 'ECONNREFUSED' });
    expectUnavailable(err);
  });

  it('pg: refused on every address (AggregateError, as `localhost` with IPv4 and IPv6 gives)', async () => {
    const client = new pg.Client({ connectionString: urlAt(await closedPort()) });
    const refused = await caught(() => client.connect());
    expectUnavailable(new AggregateError([refused, refused], 'connect failed'));
  });

  it('pg: the server hangs up ("Connection terminated unexpectedly")', async () => {
    const pool = new pg.Pool({ connectionString: urlAt(hangUp.port) });
    pool.on('error', () => {});
    const err = await caught(() => pool.query('SELECT 1'));
    expect((err as Error).message).toMatch(/Connection terminated/);
    expectUnavailable(err);
    await pool.end();
  });

  it('pg: the server never answers (connection timeout)', async () => {
    const pool = new pg.Pool({ connectionString: urlAt(silent.port), connectionTimeoutMillis: 100 });
    pool.on('error', () => {});
    const err = await caught(() => pool.query('SELECT 1'));
    expect((err as Error).message).toMatch(/timeout/);
    expectUnavailable(err);
    await pool.end();
  });

  it('Prisma: unreachable server (P1001 from the driver adapter) on a model query and a raw one', async () => {
    const connections = openConnections(urlAt(await closedPort()), 1);
    const model = await caught(() => connections.prisma.store.findMany());
    expect(model).toMatchObject({ code: 'P1001' });
    expectUnavailable(model);
    const raw = await caught(() => connections.prisma.$queryRaw`SELECT 1`);
    expect(raw).toMatchObject({ code: 'P2010', meta: { driverAdapterError: { cause: { kind: 'DatabaseNotReachable' } } } });
    expectUnavailable(raw);
    await connections.close();
  });

  it('Prisma: the server hangs up', async () => {
    const connections = openConnections(urlAt(hangUp.port), 1);
    connections.pool.on('error', () => {});
    expectUnavailable(await caught(() => connections.prisma.store.findMany()));
    await connections.close();
  });

  it.each(['08006', '08001', '08P01', '57P01', '57P03', '53300', '57014'])('a server error with SQLSTATE %s', (code) => {
    expectUnavailable(Object.assign(new Error('server said no'), { code, severity: 'FATAL' }));
  });

  it.each(['P2024', 'P1017', 'P2037', 'P2028'])('a Prisma %s', (code) => {
    expectUnavailable(new Prisma.PrismaClientKnownRequestError('Timed out fetching a new connection from the connection pool', { code, clientVersion: Prisma.prismaVersion.client }));
  });

  it('a Prisma P2039 wrapping a terminated backend (the adapter\'s `postgres` kind)', () => {
    const driverAdapterError = Object.assign(new Error('terminating connection due to administrator command'), {
      name: 'DriverAdapterError',
      cause: { kind: 'postgres', code: '57P01', originalCode: '57P01', severity: 'FATAL', message: 'terminating connection due to administrator command' },
    });
    expectUnavailable(new Prisma.PrismaClientKnownRequestError('Database error', { code: 'P2039', clientVersion: Prisma.prismaVersion.client, meta: { driverAdapterError } }));
  });
});

describe('toAppError: what the database refused', () => {
  const known = (code: string, meta?: Record<string, unknown>) => new Prisma.PrismaClientKnownRequestError('x', { code, clientVersion: Prisma.prismaVersion.client, meta });

  it('P2000 (value too long) is a 400', () => {
    expect(toAppError(known('P2000'))).toMatchObject({ code: 'BAD_REQUEST', status: 400 });
  });

  it('P2003 on insert (the parent is missing) is a 404; on delete (children remain) a 409', () => {
    const cause = (originalMessage: string) => ({ driverAdapterError: { name: 'DriverAdapterError', cause: { kind: 'ForeignKeyConstraintViolation', originalCode: '23503', originalMessage } } });
    expect(toAppError(known('P2003', cause('insert or update on table "session_slots" violates foreign key constraint')))).toMatchObject({ code: 'NOT_FOUND', status: 404 });
    expect(toAppError(known('P2003', cause('update or delete on table "service_providers" violates foreign key constraint')))).toMatchObject({ code: 'CONFLICT', status: 409 });
  });

  it('P2002 and P2025 keep their meaning', () => {
    expect(toAppError(known('P2002'))).toMatchObject({ status: 409 });
    expect(toAppError(known('P2025'))).toMatchObject({ status: 404 });
  });

  it('a Prisma error it does not know stays a 500', () => {
    expect(toAppError(known('P2010', { driverAdapterError: { name: 'DriverAdapterError', cause: { kind: 'postgres', code: '42601', originalCode: '42601' } } }))).toMatchObject({ status: 500 });
  });
});
