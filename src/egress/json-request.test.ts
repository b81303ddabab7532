// requestJson against a loopback server that answers what each test scripts: JSON both ways,
// statuses passed through, and every way of not getting a JSON answer turned into an AppError.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AppError, ErrorCode } from '../kernel/index.js';
import { requestJson } from './json-request.js';

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const received: Received[] = [];
/** path → how to answer it. */
const routes: Record<string, (req: Received, res: http.ServerResponse) => void> = {
  '/echo': (req, res) => res.writeHead(201, { 'content-type': 'application/json', 'x-total': '7' }).end(JSON.stringify({ got: req.body ? JSON.parse(req.body) : null, method: req.method })),
  '/refused': (_req, res) => res.writeHead(401, { 'content-type': 'application/json' }).end('{"code":"nope","message":"no"}'),
  '/empty': (_req, res) => res.writeHead(204).end(),
  '/html': (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>hello</html>'),
  '/big': (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ pad: 'x'.repeat(4096) })),
  '/big-chunked': (_req, res) => {
    // No content-length: the cap has to hold while the answer streams.
    res.writeHead(200, { 'content-type': 'application/json' });
    for (let i = 0; i < 8; i++) res.write(`${i ? ',' : '['}"${'x'.repeat(512)}"`);
    res.end(']');
  },
  '/moved': (_req, res) => res.writeHead(301, { location: '/echo?secret=1' }).end(),
  // Never answers: only the deadline can end the request.
  '/hang': () => {},
};

let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const call = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(call);
      const route = routes[new URL(call.url, 'http://x').pathname];
      if (route) route(call, res);
      else res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const opts = { allowPrivate: true, timeoutMs: 5000 } as const;

async function failure(run: Promise<unknown>): Promise<AppError> {
  const err = await run.then(() => new Error('expected a failure'), (e: unknown) => e);
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

describe('requestJson', () => {
  it('sends a JSON body with its headers and answers the status, parsed body and headers', async () => {
    const answer = await requestJson(`${base}/echo`, { ...opts, method: 'POST', headers: { authorization: 'Basic abc' }, body: { a: 1 } });
    expect(answer.status).toBe(201);
    expect(answer.body).toEqual({ got: { a: 1 }, method: 'POST' });
    expect(answer.headers['x-total']).toBe('7');
    const call = received.at(-1)!;
    expect(call.headers['content-type']).toBe('application/json');
    expect(call.headers.authorization).toBe('Basic abc');
  });

  it('answers an error status with its JSON rather than throwing', async () => {
    const answer = await requestJson(`${base}/refused`, { ...opts, method: 'GET' });
    expect(answer).toMatchObject({ status: 401, body: { code: 'nope' } });
  });

  it('answers null for an empty body', async () => {
    expect(await requestJson(`${base}/empty`, { ...opts, method: 'DELETE' })).toMatchObject({ status: 204, body: null });
  });

  it('refuses an answer that is not JSON', async () => {
    const err = await failure(requestJson(`${base}/html`, { ...opts, method: 'GET' }));
    expect(err.code).toBe(ErrorCode.SERVICE_UNAVAILABLE);
    expect(err.message).toContain('did not answer JSON');
  });

  it('refuses an answer over the size cap', async () => {
    for (const path of ['/big', '/big-chunked']) {
      const err = await failure(requestJson(`${base}${path}`, { ...opts, method: 'GET', maxBytes: 1024 }));
      expect(err.code).toBe(ErrorCode.SERVICE_UNAVAILABLE);
      expect(err.message).toContain('more than 1024 bytes');
    }
  });

  it('does not follow a redirect, and names where it pointed without its query', async () => {
    const before = received.length;
    const err = await failure(requestJson(`${base}/moved`, { ...opts, method: 'GET' }));
    expect(err.code).toBe(ErrorCode.SERVICE_UNAVAILABLE);
    expect(err.message).toContain(`to ${base}/echo`);
    expect(err.message).not.toContain('secret');
    expect(received.length).toBe(before + 1);
  });

  it('gives up at the deadline on a site that never answers', async () => {
    const err = await failure(requestJson(`${base}/hang`, { ...opts, method: 'GET', timeoutMs: 200 }));
    expect(err.code).toBe(ErrorCode.SERVICE_UNAVAILABLE);
    expect(err.message).toContain('did not answer within 200 ms');
  });

  it('turns a refused connection into SERVICE_UNAVAILABLE', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const err = await failure(requestJson(`http://127.0.0.1:${port}/`, { ...opts, method: 'GET' }));
    expect(err.code).toBe(ErrorCode.SERVICE_UNAVAILABLE);
    expect(err.message).toContain('refused the connection');
  });

  it('refuses a loopback URL when private addresses are not allowed, before connecting', async () => {
    const before = received.length;
    for (const url of [`${base}/echo`, `https://127.0.0.1:1/echo`, `https://localhost:1/echo`]) {
      const err = await failure(requestJson(url, { method: 'GET', allowPrivate: false, timeoutMs: 5000, field: 'siteUrl' }));
      expect(err.code).toBe(ErrorCode.VALIDATION_FAILED);
      expect(err.details).toEqual([expect.objectContaining({ path: ['siteUrl'] })]);
    }
    expect(received.length).toBe(before);
  });
});
