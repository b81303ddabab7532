// The HTTP benchmark's body, shared by `npm run bench -- http` (bench/http.bench.ts) and its smoke
// test (test/bench/http-bench.test.ts): the real app (composition root, every middleware: request
// ids, helmet, CORS, the rate limiters' lookups off, auth by key hash) serving
// GET /api/whatsapp/:storeId/sessions under autocannon, beside the reference it should beat in the
// same run: a bare node:http server answering the same bytes.
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type autocannon from 'autocannon';
import { pino } from 'pino';
import { compose } from '../src/composition.js';
import { loadConfig } from '../src/config/config.js';
import { RATE_LIMITS_OFF } from '../test/support/daemon-env.js';

const run = promisify(execFile);
const AUTOCANNON = path.resolve(import.meta.dirname, '../node_modules/.bin/autocannon');

export interface HttpLoadResult {
  name: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  non2xx: number;
  errors: number;
}

/**
 * autocannon in a process of its own (its CLI, --json): the load generator must not share the
 * server's event loop, or it measures itself.
 */
async function measure(name: string, url: string, headers: Record<string, string>, opts: { connections: number; durationS: number }): Promise<HttpLoadResult> {
  const args = ['--json', '--connections', String(opts.connections), '--duration', String(opts.durationS), ...Object.entries(headers).flatMap(([k, v]) => ['--headers', `${k}=${v}`]), url];
  const { stdout } = await run(AUTOCANNON, args, { maxBuffer: 16 * 1024 * 1024 });
  const r = JSON.parse(stdout) as autocannon.Result;
  return { name, requestsPerSecond: r.requests.average, p50Ms: r.latency.p50, p99Ms: r.latency.p99, requests: r.requests.total, non2xx: r.non2xx, errors: r.errors };
}

const listen = (server: Server) => new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
const close = (server: Server) => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve())));

/** Runs reference and route in turn, `rounds` times each (a fair share of the machine's mood), on a migrated database. */
export async function runHttpBench(opts: { databaseUrl: string; connections: number; durationS: number; rounds: number }): Promise<HttpLoadResult[]> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'drin-bench-http-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: opts.databaseUrl,
    DB_MIGRATE_ON_START: 'false',
    DATA_DIR: dataDir,
    DRIN_API_KEY: 'bench_admin_key_0123456789abcdef',
    SECRETS_KEY: 'bench_secrets_key_0123456789abcdef0123456789',
    LOG_LEVEL: 'silent',
    ...RATE_LIMITS_OFF,
  });
  const parts = await compose(config, pino({ level: 'silent' }));
  const app = http.createServer(parts.app);
  try {
    const url = await listen(app);
    const store = await parts.services.stores.create('HTTP bench', { actor: 'admin' });
    // Three slots as a store has them: one connected, one waiting for a QR, one never started.
    await parts.database.prisma.sessionSlot.createMany({
      data: [
        { storeId: store.storeId, slot: 1, status: 'connected', phone: '5511999990001', jidPn: '5511999990001@s.whatsapp.net', desired: 'running' },
        { storeId: store.storeId, slot: 2, status: 'stopped', desired: 'stopped' },
      ],
    });
    const route = `${url}/api/whatsapp/${store.storeId}/sessions`;
    const headers = { authorization: `Bearer ${store.apiKey}` };
    const answer = await fetch(route, { headers });
    if (answer.status !== 200) throw new Error(`GET sessions answered ${answer.status}`);
    const body = await answer.text();
    const reference = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(body));
    const referenceUrl = await listen(reference);
    const results: HttpLoadResult[] = [];
    try {
      for (let round = 0; round < opts.rounds; round++) {
        results.push(await measure('reference: bare node:http, the same bytes', referenceUrl, {}, opts));
        results.push(await measure('GET /api/whatsapp/:storeId/sessions', route, headers, opts));
      }
    } finally {
      await close(reference);
    }
    return results;
  } finally {
    await close(app);
    await parts.database.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
