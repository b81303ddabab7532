// fetchMedia against real HTTP servers on loopback: bounded in size and time, and refused for
// inward addresses (literal or behind a redirect) unless allowed.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { isInwardAddress } from '../egress/index.js';
import { fetchMedia } from './media-fetch.js';

let server: http.Server;
let base: string;
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/image.png') return res.writeHead(200, { 'content-type': 'image/png' }).end(PNG);
    if (req.url === '/big') return res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.alloc(64 * 1024));
    if (req.url === '/stream-big') {
      res.writeHead(200);
      res.write(Buffer.alloc(40 * 1024));
      return res.end(Buffer.alloc(40 * 1024));
    }
    if (req.url === '/hang') return; // never answers
    if (req.url === '/redirect') return res.writeHead(302, { location: '/image.png' }).end();
    if (req.url === '/missing') return res.writeHead(404).end();
    res.writeHead(500).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const allowed = { maxBytes: 50 * 1024, timeoutMs: 5_000, allowPrivate: true };
const message = async (p: Promise<unknown>) => ((await p.then(() => null, (e: Error) => e)) as Error | null)?.message;

describe('fetchMedia', () => {
  it('returns the bytes and the content type, following a redirect', async () => {
    expect(await fetchMedia(`${base}/image.png`, allowed)).toEqual({ bytes: PNG, mimetype: 'image/png' });
    expect((await fetchMedia(`${base}/redirect`, allowed)).bytes).toEqual(PNG);
  });

  it('refuses loopback and private targets unless allowed, also by name', async () => {
    const closed = { ...allowed, allowPrivate: false };
    expect(await message(fetchMedia(`${base}/image.png`, closed))).toMatch(/private or loopback/);
    expect(await message(fetchMedia(`${base.replace('127.0.0.1', 'localhost')}/image.png`, closed))).toMatch(/private or loopback/);
    expect(await message(fetchMedia('http://[::1]:9/x', closed))).toMatch(/private or loopback/);
    expect(['10.1.2.3', '192.168.0.1', '172.20.0.1', '169.254.169.254', '::1', 'fd00::1', '100.64.0.1', '::ffff:127.0.0.1'].every(isInwardAddress)).toBe(true);
    expect(['8.8.8.8', '2001:4860:4860::8888'].some(isInwardAddress)).toBe(false);
  });

  it('stops at the size cap, declared or streamed', async () => {
    expect(await message(fetchMedia(`${base}/big`, allowed))).toMatch(/limit/);
    expect(await message(fetchMedia(`${base}/stream-big`, allowed))).toMatch(/limit/);
  });

  it('gives up on a server that does not answer, and names a failed status', async () => {
    expect(await message(fetchMedia(`${base}/hang`, { ...allowed, timeoutMs: 300 }))).toMatch(/did not answer/);
    expect(await message(fetchMedia(`${base}/missing`, allowed))).toMatch(/404/);
  });
});
