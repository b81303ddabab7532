// Nginx in front of the daemon with the shipped nginx/drin.conf: health, request ids passed
// through, the daemon's own JSON errors (Nginx's body limit sits above the daemon's), the live
// event stream delivered at once (no proxy buffering), its outer rate limit (429 past the burst,
// in the daemon's error shape), the operator's routes kept off the public site, and the TLS
// profile (nginx/tls-intermediate.conf) accepted by nginx -t.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { loadConfig } from '../../src/config/config.js';
import { startDaemon, type RunningDaemon } from '../../src/daemon.js';
import { ADMIN_KEY, SECRETS_KEY } from '../support/daemon-env.js';
import { openEventStream } from '../support/daemon-harness.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
let db: TestDatabase;
let daemon: RunningDaemon;
let nginx: ChildProcess;
let prefix: string;
let base: string;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  db = await createTestDatabase();
  prefix = await mkdtemp(path.join(tmpdir(), 'drin-nginx-'));
  const config = loadConfig({ DATABASE_URL: db.url, PORT: '0', DATA_DIR: prefix, DRIN_API_KEY: ADMIN_KEY, SECRETS_KEY, LOG_LEVEL: 'silent' });
  daemon = await startDaemon(config, pino({ level: 'silent' }));
  const port = await freePort();
  const site = (await readFile(path.join(ROOT, 'nginx/drin.conf'), 'utf8'))
    .replace('server 127.0.0.1:3001;', `server 127.0.0.1:${new URL(daemon.url).port};`)
    .replace('listen 80;', `listen 127.0.0.1:${port};`);
  await writeFile(path.join(prefix, 'drin.conf'), site);
  await writeFile(
    path.join(prefix, 'nginx.conf'),
    // Workers must write request bodies to the temp folders below (root-owned, mode 0700).
    `${process.getuid?.() === 0 ? 'user root;' : ''} daemon off; worker_processes 1; pid ${prefix}/nginx.pid; error_log ${prefix}/error.log;
     events {}
     http {
       access_log ${prefix}/access.log;
       client_body_temp_path ${prefix}/body; proxy_temp_path ${prefix}/proxy;
       fastcgi_temp_path ${prefix}/fastcgi; uwsgi_temp_path ${prefix}/uwsgi; scgi_temp_path ${prefix}/scgi;
       include ${prefix}/drin.conf;
     }`,
  );
  nginx = spawn('nginx', ['-p', prefix, '-c', path.join(prefix, 'nginx.conf')], { stdio: 'ignore' });
  base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (await fetch(`${base}/health`).then(() => true, () => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nginx did not come up: ${await readFile(path.join(prefix, 'error.log'), 'utf8').catch(() => '')}`);
});

afterAll(async () => {
  if (nginx && nginx.exitCode === null) {
    const exited = new Promise((resolve) => nginx.once('exit', resolve));
    nginx.kill('SIGQUIT');
    await exited;
  }
  await daemon?.stop();
  await db?.destroy();
  await rm(prefix, { recursive: true, force: true });
});

it('proxies health with Nginx request ids and keeps the daemon error shape', async () => {
  const health = await fetch(`${base}/health`);
  expect(health.status).toBe(200);
  // Nginx's $request_id (32 hex characters) is the id the daemon logs and answers with.
  expect(health.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/);

  const big = await fetch(`${base}/api/client/some-store/contacts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'x'.repeat(1_500_000) }),
  });
  expect(big.status).toBe(413);
  expect(((await big.json()) as { error: { code: string } }).error.code).toBe('PAYLOAD_TOO_LARGE');

  // A send carrying its media as base64 is bigger than the site's 2 MB: it reaches the daemon,
  // whose own limits answer (here: the key, in each route's shape), never Nginx's HTML 413.
  const media = Buffer.alloc(3 * 1024 * 1024, 1).toString('base64');
  const send = await fetch(`${base}/api/whatsapp/some-store/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'image', to: '5511999990000', base64: media }) });
  expect(send.status).toBe(401);
  expect(((await send.json()) as { error: { code: string } }).error.code).toBe('UNAUTHORIZED');
  const evoSend = await fetch(`${base}/evolution/message/sendMedia/tenant_x`, { method: 'POST', headers: { 'content-type': 'application/json', apikey: 'not-a-key' }, body: JSON.stringify({ number: '5511999990000', mediatype: 'image', media }) });
  expect(evoSend.status).toBe(401);
  expect(await evoSend.json()).toMatchObject({ status: 401, error: 'Unauthorized' });

  expect((await fetch(`${base}/somewhere-else`)).status).toBe(404);
});

it('streams slot events through Nginx as they happen', async () => {
  const store = await daemon.services.stores.create('Nginx Store', { actor: 'admin' });
  const stream = await openEventStream(`${base}/api/whatsapp/${store.storeId}/events`, store.apiKey);
  try {
    await stream.events.take((e) => e.event === 'snapshot', 'the snapshot through nginx', 5_000);
    const stopped = await fetch(`${base}/api/whatsapp/${store.storeId}/2/stop`, { method: 'POST', headers: { authorization: `Bearer ${store.apiKey}` } });
    expect(stopped.status).toBe(200);
    const event = await stream.events.take((e) => e.event === 'slot', 'a slot event through nginx', 5_000);
    expect(event.data).toMatchObject({ slot: 2, status: 'stopped' });
  } finally {
    stream.close();
  }
});

it('keeps /metrics and /api/admin off the public site, and serves /docs and the Evolution routes', async () => {
  // The daemon serves both to whoever is on the VPS…
  expect((await fetch(`${daemon.url}/metrics`)).status).toBe(200);
  expect((await fetch(`${daemon.url}/api/admin/stores`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).status).toBe(200);
  // …and the site answers neither, with the admin key or without.
  for (const p of ['/metrics', '/api/admin/stores', '/api/admin/jobs']) {
    const refused = await fetch(`${base}${p}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect([p, refused.status]).toEqual([p, 404]);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
  }
  expect((await fetch(`${base}/docs`)).status).toBe(200);
  expect((await fetch(`${base}/docs/swagger-ui.css`)).status).toBe(200);
  // Evolution API clients reach their routes through the site: the daemon's answer, in Evolution's shape.
  const evolution = await fetch(`${base}/evolution/instance/connectionState/tenant_x`, { headers: { apikey: 'not-a-key' } });
  expect(evolution.status).toBe(401);
  expect(await evolution.json()).toMatchObject({ status: 401, error: 'Unauthorized' });
});

it('answers 429 past the burst, in the daemon\'s error shape, before the daemon sees the flood', async () => {
  // A store's own reads, inside the daemon's limits (300 a minute per key, 600 per address); more
  // than Nginx lets through even if sending them took the busy machine seconds (41 + 20 a second).
  const store = await daemon.services.stores.create('Flooding Store', { actor: 'admin' });
  const read = () => fetch(`${base}/api/client/${store.storeId}/connections`, { headers: { authorization: `Bearer ${store.apiKey}` } });
  const answers = await Promise.all(Array.from({ length: 250 }, () => read().then(async (r) => ({ status: r.status, retryAfter: r.headers.get('retry-after'), body: await r.text() }))));
  const limited = answers.filter((a) => a.status === 429);
  expect(limited.length).toBeGreaterThan(0);
  expect(JSON.parse(limited[0]!.body).error.code).toBe('RATE_LIMITED');
  expect(limited[0]!.retryAfter).toBe('1');
  // The ones let through reached the daemon, which answered them itself.
  expect(answers.filter((a) => a.status !== 429).map((a) => a.status)).toEqual(expect.arrayContaining([200]));
  expect(answers.every((a) => a.status === 200 || a.status === 429)).toBe(true);
});

it('takes the TLS profile in a 443 server (nginx -t with a self-signed certificate)', async () => {
  const tls = path.join(prefix, 'tls');
  await mkdir(tls, { recursive: true });
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=drin.test', '-keyout', path.join(tls, 'key.pem'), '-out', path.join(tls, 'cert.pem')]);
  await writeFile(
    path.join(prefix, 'tls.conf'),
    `${process.getuid?.() === 0 ? 'user root;' : ''} pid ${prefix}/tls.pid; error_log ${prefix}/tls-error.log; events {}
     http { server { listen 127.0.0.1:${await freePort()} ssl; ssl_certificate ${tls}/cert.pem; ssl_certificate_key ${tls}/key.pem;
       include ${path.join(ROOT, 'nginx/tls-intermediate.conf')}; location / { return 204; } } }`,
  );
  const checked = await run('nginx', ['-t', '-p', prefix, '-c', path.join(prefix, 'tls.conf')]);
  expect(checked).toMatch(/syntax is ok/);
  expect(checked).toMatch(/test is successful/);
});

/** Runs a program to its end; resolves with its output, rejects when it fails. */
function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${command} exited ${code}: ${out}`))));
  });
}
