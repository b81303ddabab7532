// The HTTP benchmark's body, shared by `npm run bench -- http` (bench/http.bench.ts) and its smoke
// test (test/bench/http-bench.test.ts): the real app (composition root, every middleware: request
// ids, helmet, CORS, the rate limiters' lookups off, auth by key hash) under autocannon, each
// route beside the reference it should beat in the same run, a bare node:http server answering
// the same bytes:
// - GET /api/whatsapp/:storeId/sessions, for a store with three slots;
// - POST /api/whatsapp/:storeId/messages, texts to simulator contacts from a slot linked to the
//   local WhatsApp simulator (in this process; the engine runs, so the slot's send loop sends and
//   holds as it would);
// - POST /evolution/message/sendText/:instance, the same slot named an Evolution instance: the
//   adapter beside Drin's own send route (the reference it must stay close to). The store keeps the send governor's defaults but for perContactPerHour
//   (at its 1000 most), and the requests go to BENCH_POST_CONTACTS numbers in turn, so the load
//   is not 429s. Sends accepted faster than they go out queue: the figure is the 202s.
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type autocannon from 'autocannon';
import { pino } from 'pino';
import { compose } from '../src/composition.js';
import { loadConfig } from '../src/config/config.js';
import { daemonEnv } from '../test/support/daemon-env.js';
import { startSimulator } from '../test/wa-sim/index.js';
import { linkSlot, setSendPolicy } from './store-api.js';

const run = promisify(execFile);
const AUTOCANNON = path.resolve(import.meta.dirname, '../node_modules/.bin/autocannon');
const PHONE = '5511966660001';

export interface HttpLoadResult {
  name: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  non2xx: number;
  errors: number;
}

/** The routes measured, each after the reference it should beat, in this order every round. */
export const PAIRS = [
  { reference: 'reference: bare node:http, the same bytes', route: 'GET /api/whatsapp/:storeId/sessions' },
  { reference: 'reference: bare node:http, reads the body, the same 202 bytes', route: 'POST /api/whatsapp/:storeId/messages' },
  // The Evolution adapter's cost: its sendText beside Drin's own send route, the same texts.
  { reference: "reference: Drin's own POST /api/whatsapp/:storeId/messages, the same texts", route: 'POST /evolution/message/sendText/:instance' },
] as const;
const [GET, POST, EVOLUTION] = PAIRS;

export type HttpBenchRoute = 'get' | 'post' | 'evolution';

/** What autocannon sends: a URL (with headers), or a HAR file of requests each connection goes through in turn. */
type Load = { url: string; headers?: Record<string, string> } | { url: string; har: string };

/**
 * autocannon in a process of its own (its CLI, --json): the load generator must not share the
 * server's event loop, or it measures itself.
 */
async function measure(name: string, load: Load, opts: { connections: number; durationS: number }): Promise<HttpLoadResult> {
  const what = 'har' in load ? ['--har', load.har] : Object.entries(load.headers ?? {}).flatMap(([k, v]) => ['--headers', `${k}=${v}`]);
  const args = ['--json', '--connections', String(opts.connections), '--duration', String(opts.durationS), ...what, load.url];
  const { stdout } = await run(AUTOCANNON, args, { maxBuffer: 16 * 1024 * 1024 });
  const r = JSON.parse(stdout) as autocannon.Result;
  return { name, requestsPerSecond: r.requests.average, p50Ms: r.latency.p50, p99Ms: r.latency.p99, requests: r.requests.total, non2xx: r.non2xx, errors: r.errors };
}

/** A HAR file of one POST per body, to `url`: autocannon's CLI sends them in turn on each connection. */
async function writeHar(file: string, url: string, headers: Record<string, string>, bodies: unknown[]): Promise<string> {
  const request = (body: unknown) => ({
    method: 'POST',
    url,
    headers: Object.entries({ ...headers, 'content-type': 'application/json' }).map(([name, value]) => ({ name, value })),
    postData: { mimeType: 'application/json', text: JSON.stringify(body) },
  });
  await writeFile(file, JSON.stringify({ log: { entries: bodies.map((b) => ({ request: request(b) })) } }));
  return file;
}

const listen = (server: Server) => new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
const close = (server: Server) => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve())));
/** The same status and bytes whatever was asked; a request's body is read to its end first, as the app's parser does. */
const bareServer = (status: number, body: string) =>
  http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(body));
  });

/** Runs each reference and route in turn, `rounds` times (a fair share of the machine's mood), on a migrated database. */
export async function runHttpBench(opts: { databaseUrl: string; connections: number; durationS: number; rounds: number; postContacts: number; routes: HttpBenchRoute[] }): Promise<HttpLoadResult[]> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'drin-bench-http-'));
  const sim = await startSimulator();
  const config = loadConfig(daemonEnv(sim, { url: opts.databaseUrl }, dataDir, { LOG_LEVEL: 'silent', DB_MIGRATE_ON_START: 'false' }));
  const parts = await compose(config, pino({ level: 'silent' }));
  const app = http.createServer(parts.app);
  const references: Server[] = [];
  try {
    await parts.engine.start();
    const url = await listen(app);
    const store = await parts.services.stores.create('HTTP bench', { actor: 'admin' });
    const headers = { authorization: `Bearer ${store.apiKey}` };
    await linkSlot(url, sim, store, 1, PHONE);
    // Three slots as a store has them: slot 1 linked, 2 stopped, 3 never started.
    await parts.database.prisma.sessionSlot.createMany({ data: [{ storeId: store.storeId, slot: 2, status: 'stopped', desired: 'stopped' }] });
    await setSendPolicy(url, store, { perContactPerHour: 1000 });

    const sessions = `${url}/api/whatsapp/${store.storeId}/sessions`;
    const answer = await fetch(sessions, { headers });
    if (answer.status !== 200) throw new Error(`GET sessions answered ${answer.status}`);
    const messages = `${url}/api/whatsapp/${store.storeId}/messages`;
    const bodies = Array.from({ length: opts.postContacts }, (_, i) => ({ to: `5521977${String(i).padStart(6, '0')}`, type: 'text', text: `Olá! Seu pedido ${i} saiu para entrega.` }));
    // One send to each number first, one at a time: the load then writes to known contacts (the
    // steady path; two first sends to one new number at once race for its contact row).
    let accepted = '';
    for (const body of bodies) {
      const res = await fetch(messages, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      accepted = await res.text();
      if (res.status !== 202) throw new Error(`POST messages answered ${res.status}: ${accepted}`);
    }

    references.push(bareServer(200, await answer.text()), bareServer(202, accepted));
    const [getReference, postReference] = await Promise.all(references.map(listen));
    const routeHar = await writeHar(path.join(dataDir, 'post-route.har'), messages, headers, bodies);
    const referenceHar = await writeHar(path.join(dataDir, 'post-reference.har'), `${postReference}/`, headers, bodies);
    // The same slot named an Evolution instance, its token in the apikey header, the same texts in Evolution's body.
    const named = await fetch(`${url}/api/whatsapp/${store.storeId}/1/evolution-instance`, { method: 'PUT', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ instanceName: 'http-bench' }) });
    if (named.status !== 201) throw new Error(`naming the slot answered ${named.status}`);
    const evolutionHeaders = { apikey: ((await named.json()) as { token: string }).token };
    const evolutionBodies = bodies.map((b) => ({ number: b.to, text: b.text }));
    const evolutionHar = await writeHar(path.join(dataDir, 'evolution-route.har'), `${url}/evolution/message/sendText/http-bench`, evolutionHeaders, evolutionBodies);
    const results: HttpLoadResult[] = [];
    for (let round = 0; round < opts.rounds; round++) {
      if (opts.routes.includes('get')) {
        results.push(await measure(GET.reference, { url: getReference! }, opts));
        results.push(await measure(GET.route, { url: sessions, headers }, opts));
      }
      if (opts.routes.includes('post')) {
        results.push(await measure(POST.reference, { url: postReference!, har: referenceHar }, opts));
        results.push(await measure(POST.route, { url, har: routeHar }, opts));
      }
      if (opts.routes.includes('evolution')) {
        results.push(await measure(EVOLUTION.reference, { url, har: routeHar }, opts));
        results.push(await measure(EVOLUTION.route, { url, har: evolutionHar }, opts));
      }
    }
    return results;
  } finally {
    await Promise.all(references.map(close));
    await close(app);
    // The send loop first: it holds a queue that outlived the load; queued jobs stay queued.
    await parts.sends.stop();
    await parts.engine.stop();
    await parts.database.close();
    await sim.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
