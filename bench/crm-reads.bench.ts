// Run: node --experimental-wasm-modules --disable-warning=ExperimentalWarning --import tsx bench/crm-reads.bench.ts
//
// The dashboard's heaviest reads on a big store: the inbox (first page, a deep page, unread only),
// one conversation's messages, and the contact search (by name, by number typed as people type
// it), over HTTP through the real app, on one store holding 10,000 contacts and 100,000 messages.
// p50 / p99 per route (goal: p99 ≤ 50 ms), and the EXPLAIN (ANALYZE, BUFFERS) of every statement
// each route runs, captured from the pg driver. Not a test: figures go to BENCHMARKS.md.
//
// A scratch database on the local Postgres (BENCH_DATABASE_URL to change), migrated here and
// dropped at the end. Seeding is SQL (generate_series), so the rows are there in seconds.
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { pino } from 'pino';
import { compose } from '../src/composition.js';
import { loadConfig } from '../src/config/config.js';
import { dropDatabase, ensureDatabaseExists, withDatabaseName } from '../src/db/database-admin.js';
import { applyMigrations } from '../src/db/migrator.js';
import { RATE_LIMITS_OFF } from '../test/support/daemon-env.js';
import { jsonRequest } from '../test/support/json-request.js';
import { BENCH_SERVER as SERVER, num } from './bench-env.js';

const CONTACTS = num('BENCH_CONTACTS', 10_000);
const MESSAGES = num('BENCH_MESSAGES', 100_000);
const OPEN_SHARE = 0.3; // of the conversations (one per contact)
const REQUESTS = num('BENCH_REQUESTS', 300);
const WARMUP = 30;
const print = (line: string) => process.stdout.write(`${line}\n`);

// Which statements the driver runs (text and values), while `capturing` is set: for EXPLAIN.
const captured: { text: string; values: unknown[] }[] = [];
let capturing = false;
const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  const [q, values] = args as [string | { text: string; values?: unknown[] }, unknown[] | undefined];
  if (capturing) captured.push(typeof q === 'string' ? { text: q, values: Array.isArray(values) ? values : [] } : { text: q.text, values: q.values ?? [] });
  return query.apply(this, args);
} as typeof pg.Client.prototype.query;

const db = withDatabaseName(SERVER, `drin_bench_crm_${randomBytes(4).toString('hex')}`);
await ensureDatabaseExists(db);
const dataDir = await mkdtemp(path.join(tmpdir(), 'drin-bench-crm-'));
try {
  await applyMigrations(db);
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: db,
    DB_MIGRATE_ON_START: 'false',
    DATA_DIR: dataDir,
    DRIN_API_KEY: 'bench_admin_key_0123456789abcdef',
    SECRETS_KEY: 'bench_secrets_key_0123456789abcdef0123456789',
    LOG_LEVEL: 'warn',
    ...RATE_LIMITS_OFF,
  });
  const parts = await compose(config, pino({ level: 'warn' }));
  const server: Server = await new Promise((resolve) => {
    const s = parts.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const store = await parts.services.stores.create('Big store', { actor: 'admin' });
  const seedStarted = performance.now();
  await seed(parts.database.pool, store.storeId);
  print(`seeded ${CONTACTS} contacts, ${MESSAGES} messages in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s; load ${loadavg()[0]!.toFixed(1)}`);

  const get = async (p: string) => {
    const r = await jsonRequest(url, 'GET', p, { key: store.apiKey });
    if (r.status !== 200) throw new Error(`${p}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
    return r.body;
  };
  const base = `/api/client/${store.storeId}`;
  // A deep inbox page: follow the cursor up to ten pages in (fewer on a small seed).
  let cursor: string | null = null;
  let page = 1;
  for (; page <= 10; page++) {
    const next: string | null = (await get(`${base}/inbox${cursor ? `?cursor=${cursor}` : ''}`)).nextCursor;
    if (!next) break;
    cursor = next;
  }
  const { conversation_id: busiest, n } = (await parts.database.pool.query<{ conversation_id: string; n: string }>(
    `SELECT conversation_id, count(*) AS n FROM messages WHERE store_id = $1 GROUP BY conversation_id ORDER BY count(*) DESC LIMIT 1`,
    [store.storeId],
  )).rows[0]!;
  print(`busiest conversation: ${n} messages`);

  const routes: Array<[string, string]> = [
    ['inbox, first page', `${base}/inbox`],
    [`inbox, page ${page} (cursor)`, `${base}/inbox${cursor ? `?cursor=${cursor}` : ''}`],
    ['inbox, unread only', `${base}/inbox?unread=true`],
    ['one conversation, newest 30 messages', `${base}/conversations/${busiest}`],
    ['contacts, search "joao" (name, accents)', `${base}/contacts?search=joao`],
    ['contacts, search "11 98888-7777" (number)', `${base}/contacts?search=${encodeURIComponent('11 98888-7777')}`],
    ['contacts, search "+55 (21) 9" (number prefix)', `${base}/contacts?search=${encodeURIComponent('+55 (21) 9')}`],
    ['contacts, search "Conceição" (accents typed)', `${base}/contacts?search=${encodeURIComponent('Conceição')}`],
    ['contacts, search "zzz" (no match: every contact read)', `${base}/contacts?search=zzz`],
    ['contacts, first page (no search)', `${base}/contacts`],
  ];
  const rows: string[] = [];
  const plans: string[] = [];
  for (const [label, p] of routes) {
    for (let i = 0; i < WARMUP; i++) await get(p);
    const times: number[] = [];
    let found = 0;
    for (let i = 0; i < REQUESTS; i++) {
      const t0 = performance.now();
      const body = await get(p);
      times.push(performance.now() - t0);
      found = Array.isArray(body.data) ? body.data.length : Array.isArray(body.messages) ? body.messages.length : 0;
    }
    times.sort((a, b) => a - b);
    const pct = (q: number) => times[Math.min(times.length - 1, Math.floor(q * (times.length - 1)))]!;
    rows.push(`| ${label} | ${found} | ${pct(0.5).toFixed(2)} | ${pct(0.99).toFixed(2)} | ${times[times.length - 1]!.toFixed(2)} | ${pct(0.99) <= 50 ? 'yes' : 'NO'} |`);
    captured.length = 0;
    capturing = true;
    await get(p);
    capturing = false;
    plans.push(`#### ${label}\n`);
    for (const statement of captured.filter((s) => /\b(conversations|messages|contacts)\b/.test(s.text) && !/^\s*(BEGIN|COMMIT)/i.test(s.text))) {
      const { rows: plan } = await parts.database.pool.query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${statement.text}`, statement.values);
      plans.push('```sql', statement.text.replace(/\s+/g, ' ').trim(), '```', '```', ...plan.map((r) => r['QUERY PLAN'] as string), '```', '');
    }
  }
  print(`\nnode ${process.version}; ${REQUESTS} requests per route after ${WARMUP} warm-up, one at a time; load ${loadavg()[0]!.toFixed(1)}\n`);
  print('| route | rows answered | p50 ms | p99 ms | max ms | p99 ≤ 50 ms |');
  print('|---|---:|---:|---:|---:|---|');
  rows.forEach((r) => print(r));
  print(`\n${plans.join('\n')}`);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await parts.database.close();
} finally {
  await dropDatabase(db);
  await rm(dataDir, { recursive: true, force: true });
}

/**
 * One store: CONTACTS contacts (Portuguese names with accents, Brazilian mobiles; "João da Silva"
 * at +55 11 98888-7777 among them), one WhatsApp conversation each (OPEN_SHARE open, some unread),
 * MESSAGES messages spread over them, alternating in and out, newest in the last days.
 */
async function seed(pool: pg.Pool, storeId: string): Promise<void> {
  const first = ['João', 'José', 'Maria', 'Ana', 'Antônio', 'Francisco', 'Luís', 'Márcia', 'Sebastião', 'Lúcia', 'André', 'Cláudia', 'Fábio', 'Mônica', 'Vinícius', 'Letícia', 'Conceição'];
  const last = ['da Silva', 'Santos', 'Oliveira', 'Souza', 'Rodrigues', 'Ferreira', 'Alves', 'Pereira', 'Lima', 'Gomes', 'Araújo', 'Ribeiro', 'Carvalho', 'Simões', 'Magalhães'];
  await pool.query(
    `INSERT INTO contacts (id, store_id, jid_pn, phone, name, push_name, tags, updated_at)
     SELECT 'ct' || n, $1, ph || '@s.whatsapp.net', '+' || ph, nm, nm, CASE WHEN n % 7 = 0 THEN ARRAY['vip'] ELSE ARRAY[]::text[] END, now()
     FROM generate_series(1, $2::int) AS n,
     LATERAL (SELECT CASE WHEN n = 1 THEN 'João da Silva' WHEN n = 2 THEN 'Maria Conceição'
                          ELSE ($3::text[])[1 + n % array_length($3::text[], 1)] || ' ' || ($4::text[])[1 + (n / 17) % array_length($4::text[], 1)] END AS nm,
                     CASE WHEN n = 1 THEN '5511988887777' ELSE '55' || (11 + n % 80)::text || '9' || lpad((n * 7919 % 100000000)::text, 8, '0') END AS ph) AS x`,
    [storeId, CONTACTS, first, last],
  );
  await pool.query(
    `INSERT INTO conversations (id, store_id, contact_id, channel, slot, status, started_at, last_message_at, unread_count, ended_at)
     SELECT 'cv' || n, $1, 'ct' || n, 'whatsapp', 1 + n % 3,
            CASE WHEN n % 10 < $3::float * 10 THEN 'open' ELSE 'closed' END,
            now() - make_interval(days => 30) + make_interval(secs => n * 60),
            now() - make_interval(secs => n * 37),
            CASE WHEN n % 4 = 0 THEN n % 5 ELSE 0 END,
            CASE WHEN n % 10 < $3::float * 10 THEN NULL ELSE now() END
     FROM generate_series(1, $2::int) AS n`,
    [storeId, CONTACTS, OPEN_SHARE],
  );
  // Messages: conversation k gets a skewed share (low k: many), all with distinct WhatsApp ids.
  await pool.query(
    `INSERT INTO messages (id, store_id, channel, slot, contact_id, conversation_id, wa_message_id, remote_jid, direction, type, text, metadata, status, sent_at, created_at, updated_at)
     SELECT 'mg' || m, $1, 'whatsapp', 1 + k % 3, 'ct' || k, 'cv' || k, 'WA' || m, c.jid_pn,
            CASE WHEN m % 2 = 0 THEN 'inbound' ELSE 'outbound' END, 'text', 'mensagem ' || m || ' sobre o pedido', '{}'::jsonb,
            CASE WHEN m % 2 = 0 THEN 'received' ELSE 'read' END,
            now() - make_interval(secs => ($2::int - m) * 20), now(), now()
     FROM generate_series(1, $2::int) AS m,
     -- "+ m * 0" ties the subquery to the row: uncorrelated, Postgres would draw random() once.
     LATERAL (SELECT 1 + floor(power(random(), 2) * $3::int + m * 0)::int AS k) AS pick
     JOIN contacts c ON c.id = 'ct' || pick.k`,
    [storeId, MESSAGES, CONTACTS],
  );
  await pool.query('ANALYZE contacts; ANALYZE conversations; ANALYZE messages');
}
