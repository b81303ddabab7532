// Run: node --experimental-wasm-modules --disable-warning=ExperimentalWarning --import tsx bench/bot-latency.bench.ts
//
// How long a customer's message waits before the bot asks the model: from the message's row
// (messages.created_at, Postgres' now() of the storing statement) to the instant the local
// OpenAI-compatible stub (test/support/llm-stub.ts) receives the turn's chat completion, with
// replyDebounceMs 0. Goal (issue): p95 ≤ 20 ms over 500 messages. Not a test: figures go to
// BENCHMARKS.md.
//
// - The whole daemon in this process (startDaemon, scratch database on the local Postgres,
//   migrated at its start, dropped at the end), the WhatsApp simulator and the stub beside it: one
//   machine clock. BENCH_DAEMON=child runs the daemon in a process of its own instead (src/main.ts,
//   as PM2 runs it), so the simulator's and the contacts' Signal work leave its event loop; the
//   per-stage probes need the daemon in this process and are off then. Each contact waits for the bot's answer before its next message, so every
//   message is a turn of its own.
// - Where the time goes, without touching src/: an AsyncLocalStorage context per
//   `message.received` delivery (storage, the bot's schedule) and per TurnWorker step (claim,
//   gates, prompt), which the pg pool's query() and fetch() read to put each statement (and the
//   request to the stub) on its message's timeline.
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import pg from 'pg';
import { pino } from 'pino';
import { TurnWorker } from '../src/bot/turn-worker.js';
import { loadConfig } from '../src/config/config.js';
import { startDaemon } from '../src/daemon.js';
import { dropDatabase, ensureDatabaseExists, withDatabaseName } from '../src/db/database-admin.js';
import type { DomainEventName, DomainEvents, MessageReceivedEvent } from '../src/events/domain-events.js';
import { DomainEventBus } from '../src/events/event-bus.js';
import { ADMIN_KEY, daemonEnv } from '../test/support/daemon-env.js';
import { spawnDaemon } from '../test/support/daemon-process.js';
import { jsonRequest } from '../test/support/json-request.js';
import { contentText, startLlmStub, type StubRequest } from '../test/support/llm-stub.js';
import { startSimulator, type FakeContact, type Phone } from '../test/wa-sim/index.js';
import { BENCH_SERVER as SERVER, benchedCommit, num } from './bench-env.js';

const SLOTS = num('BENCH_SLOTS', 2); // the send governor allows ≤ 600 sends a minute per slot
const CONTACTS = num('BENCH_CONTACTS', 50); // per round, spread over the slots
const PER_CONTACT = num('BENCH_PER_CONTACT', 10);
const PARALLEL = (process.env.BENCH_PARALLEL ?? '1,4').split(',').map(Number).filter((n) => n > 0); // one round each
const WARMUP = num('BENCH_WARMUP', 20);
const REFERENCE_CALLS = num('BENCH_REFERENCE_CALLS', 200);
const GOAL_P95_MS = 20;
const print = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const epochMs = () => performance.timeOrigin + performance.now();
const TOKEN = /bench-[a-z0-9-]+/g;

// ——— probes: which statement (and which request) belongs to which message ———
interface QueryTime { sql: string; start: number; end: number }
interface Probe {
  kind: 'received' | 'turn';
  start: number;
  queries: QueryTime[];
  waMessageId?: string;
  triggerMessageId?: string;
  claimedAt?: number;
  fetchAt?: number;
  /** The schedule statement claimed the turn (no debounce): no claim statement of its own. */
  claimedWithSchedule?: boolean;
}
const als = new AsyncLocalStorage<Probe>();
const received = new Map<string, Probe>(); // by wa_message_id
const turns = new Map<string, Probe>(); // by the trigger message's row id

/** BENCH_DAEMON=child: the daemon in a process of its own (as production runs it), without the probes. */
const IN_CHILD = process.env.BENCH_DAEMON === 'child';
const PROBES = !IN_CHILD && process.env.BENCH_PROBES !== '0';
// On the client, not the pool: Prisma's transactions (an upsert) run on a checked-out client.
// A statement's time excludes waiting for a pooled connection (that shows as "JS before it").
const poolQuery = pg.Client.prototype.query as (...args: unknown[]) => unknown;
if (PROBES) pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  const probe = als.getStore();
  if (!probe) return poolQuery.apply(this, args);
  const q = args[0] as string | { text: string };
  const time: QueryTime = { sql: typeof q === 'string' ? q : q.text, start: epochMs(), end: NaN };
  probe.queries.push(time);
  const last = args.length - 1;
  if (typeof args[last] === 'function') {
    const cb = args[last] as (...r: unknown[]) => void;
    args[last] = (...r: unknown[]) => ((time.end = epochMs()), cb(...r));
    return poolQuery.apply(this, args);
  }
  const done = poolQuery.apply(this, args) as Promise<unknown>;
  if (typeof done?.then === 'function') void done.then(() => (time.end = epochMs()), () => (time.end = epochMs()));
  return done;
} as typeof pg.Client.prototype.query;

const realFetch = globalThis.fetch;
if (PROBES) globalThis.fetch = ((input: Parameters<typeof fetch>[0], init?: RequestInit) => {
  const probe = als.getStore();
  if (probe?.kind === 'turn') probe.fetchAt ??= epochMs();
  return realFetch(input, init);
}) as typeof fetch;

// TurnWorker's runOne (claim, then handle) and handle (gates, prompt, model) are private in
// TypeScript, plain methods at run time: each step gets a probe, the claimed turn names it.
type WorkerMethods = {
  runOne(claimed: () => void): Promise<boolean>;
  answer(turn: { triggerMessageId: string }): Promise<void>;
  handle(turn: { triggerMessageId: string }, log: unknown): Promise<void>;
};
const worker = TurnWorker.prototype as unknown as WorkerMethods;
const runOne = worker.runOne;
const handle = worker.handle;
const answer = worker.answer;
if (PROBES) worker.runOne = function (this: unknown, claimed) {
  return als.run({ kind: 'turn', start: epochMs(), queries: [] }, () => runOne.call(this, claimed));
};
// With no debounce the turn is claimed as it is scheduled (scheduleNow → answer, no claim statement):
// a probe of its own from there, not the delivery's.
if (PROBES) worker.answer = function (this: unknown, turn) {
  if (als.getStore()?.kind === 'turn') return answer.call(this, turn);
  return als.run({ kind: 'turn', start: epochMs(), queries: [], claimedWithSchedule: true }, () => answer.call(this, turn));
};
if (PROBES) worker.handle = function (this: unknown, turn, log) {
  const probe = als.getStore();
  if (probe) {
    probe.claimedAt = epochMs();
    probe.triggerMessageId = turn.triggerMessageId;
    turns.set(turn.triggerMessageId, probe);
  }
  return handle.call(this, turn, log);
};

class ProbedBus extends DomainEventBus {
  override emit<K extends DomainEventName>(type: K, event: DomainEvents[K]): Promise<void> {
    if (type !== 'message.received') return super.emit(type, event);
    const waMessageId = (event as MessageReceivedEvent).waMessageId;
    const probe: Probe = { kind: 'received', start: epochMs(), queries: [], waMessageId };
    received.set(waMessageId, probe);
    return als.run(probe, () => super.emit(type, event));
  }
}

// ——— the stub: when each turn's request arrived, matched by the token of the last user message ———
const stubAt = new Map<string, number>();
let lastTurnBody: StubRequest['body'] | undefined; // for the reference calls
const lastUserToken = (r: StubRequest) => {
  const users = r.body.messages.filter((m) => m.role === 'user');
  return contentText(users.at(-1)?.content).match(TOKEN)?.at(-1);
};
const stub = await startLlmStub();
stub.respond((r) => {
  const at = epochMs();
  const token = lastUserToken(r) ?? 'none';
  stubAt.set(token, at);
  if (!token.startsWith('bench-ref')) lastTurnBody = r.body;
  return { content: `Recebido ${token}` };
});

const sim = await startSimulator();
const db = withDatabaseName(SERVER, `drin_bench_bot_${randomBytes(4).toString('hex')}`);
await ensureDatabaseExists(db);
const dataDir = await mkdtemp(path.join(tmpdir(), 'drin-bench-bot-'));
const logger = pino({ level: 'warn' });
const env = daemonEnv(sim, { url: db }, dataDir, {
  LOG_LEVEL: 'warn',
  MAX_SLOTS: String(Math.max(SLOTS, 3)),
  OPENROUTER_API_KEY: 'sk-or-v1-bench-0123456789abcdef',
  OPENROUTER_BASE_URL: stub.url,
  BOT_SCAN_INTERVAL_MS: '200',
});
const daemon: { url: string; stop(): Promise<unknown>; drainSlotWrites(): Promise<void>; log(): string } = IN_CHILD
  ? await spawnDaemon({ ...env, LOG_LEVEL: 'info' }).then((child) => ({ url: child.url, stop: () => child.stop(), drainSlotWrites: async () => {}, log: () => child.output() }))
  : await startDaemon(loadConfig(env), logger, { bus: new ProbedBus(logger.child({ component: 'event-bus' })) }).then((d) => ({ url: d.url, stop: () => d.stop(), drainSlotWrites: () => d.engine.drainSlotWrites(), log: () => '' }));
const probePool = new pg.Pool({ connectionString: db, max: 1 });

const percentile = (values: number[], p: number) => {
  const sorted = [...values].filter(Number.isFinite).sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * (sorted.length - 1)))] ?? NaN;
};
const f = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : '–');
const stats = (v: number[]) => `${f(percentile(v, 0.5))} | ${f(percentile(v, 0.95))} | ${f(percentile(v, 0.99))} | ${f(Math.max(...v.filter(Number.isFinite)))}`;

async function linkedStore(): Promise<{ storeId: string; apiKey: string; phones: Phone[] }> {
  const call = async (method: string, p: string, key: string, body?: unknown) => {
    const r = await jsonRequest(daemon.url, method, p, { key, body });
    if (r.status >= 300) throw new Error(`${method} ${p}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
    return r.body;
  };
  const store = await call('POST', '/api/admin/stores', ADMIN_KEY, { name: 'Bench bot store' });
  const phones: Phone[] = [];
  for (let slot = 1; slot <= SLOTS; slot++) {
    await call('POST', `/api/whatsapp/${store.storeId}/${slot}/start`, store.apiKey);
    const qr = await call('GET', `/api/whatsapp/${store.storeId}/${slot}/qr`, store.apiKey);
    phones.push(await sim.scanQr(qr.qr, { phone: `551197700000${slot}` }));
    for (let i = 0; (await call('GET', `/api/whatsapp/${store.storeId}/${slot}/status`, store.apiKey)).status !== 'connected'; i++) {
      if (i > 600) throw new Error(`slot ${slot} did not connect`);
      await sleep(100);
    }
  }
  await daemon.drainSlotWrites();
  // The governor's limits out of the way (they act after the request this bench times): no typing,
  // no warm-up cap for a number linked a minute ago, the highest per-slot rate.
  await call('PATCH', `/api/whatsapp/${store.storeId}/send-settings`, store.apiKey, {
    sendPolicy: { perSlotPerMinute: 600, perContactPerHour: 1000, warmupDays: 0, typingMsPerChar: 0, typingMinMs: 0, typingMaxMs: 0 },
  });
  await call('PUT', `/api/client/${store.storeId}/config`, store.apiKey, { replyDebounceMs: 0, repliesPerContactPerHour: 1000 });
  return { ...store, phones };
}

/** Each contact writes `perContact` messages, each after the bot answered the one before; `parallel` contacts at a time. */
async function converse(contacts: FakeContact[], round: string, perContact: number, parallel: number): Promise<string[]> {
  const tokens: string[] = [];
  const queue = contacts.map((c, i) => ({ c, i }));
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        for (let j = 0; j < perContact; j++) {
          const token = `bench-${round}-c${next.i}-m${j}`;
          tokens.push(token);
          await next.c.sendText(`oi, sobre o meu pedido ${token}`);
          // The next message right away: decrypts wait for our sends' Signal commits (signal-serialization.ts).
          await next.c.waitForText(`Recebido ${token}`, { timeoutMs: 60_000 });
        }
      }
    }),
  );
  return tokens;
}

interface Sample { token: string; first: boolean; total: number; toSchedule: number; schedule: number; wake: number; claim: number; gates: number; hop: number; turn?: Probe }

async function samplesOf(tokens: string[]): Promise<Sample[]> {
  const { rows } = await probePool.query<{ id: string; wa_message_id: string; text: string; t0: number }>(
    `SELECT id, wa_message_id, text, extract(epoch FROM created_at) * 1000 AS t0 FROM messages WHERE direction = 'inbound' AND text LIKE '%bench-%'`,
  );
  const byToken = new Map(rows.map((r) => [r.text.match(TOKEN)!.at(-1)!, r]));
  return tokens.map((token) => {
    const row = byToken.get(token)!;
    const t0 = Number(row.t0);
    const rec = received.get(row.wa_message_id);
    const schedule = rec?.queries.find((q) => q.sql.includes('INSERT INTO bot_turns'));
    const turn = turns.get(row.id);
    const claim = turn?.claimedWithSchedule ? { start: turn.start, end: turn.start } : turn?.queries[0];
    return {
      token,
      first: token.endsWith('-m0'),
      total: stubAt.get(token)! - t0,
      toSchedule: (schedule?.start ?? NaN) - t0,
      schedule: (schedule?.end ?? NaN) - (schedule?.start ?? NaN),
      wake: (turn?.start ?? NaN) - (schedule?.end ?? NaN),
      claim: (claim?.end ?? NaN) - (claim?.start ?? NaN),
      gates: (turn?.fetchAt ?? NaN) - (claim?.end ?? NaN),
      hop: stubAt.get(token)! - (turn?.fetchAt ?? NaN),
      turn,
    };
  });
}

/** A statement as a short label: what it does to which table. */
function label(sql: string): string {
  const s = sql.replace(/\s+/g, ' ').trim();
  const table = s.match(/(?:FROM|INTO|UPDATE)\s+(?:"public"\.)?"?([a-z_]+)"?/i)?.[1] ?? '?';
  const op = /^WITH due/i.test(s) ? 'claim (UPDATE … SKIP LOCKED)' : /COUNT\(/i.test(s) ? 'count' : s.split(' ')[0]!.toUpperCase();
  return `${op} ${table}`;
}

/** What each statement of the turn is for (TurnWorker.handle's order), when the table matches. */
const TURN_STATEMENTS: [string, string][] = [
  ['bot_turns', 'claim'], ['bot_configs', 'config (configs.get)'], ['bot_pauses', 'pause gate'], ['contacts', 'contact gate'],
  ['services', 'store facts: services'], ['stores', 'store facts: store'], ['settings', 'store facts: settings'],
  ['?', 'budget: timezoneOf → settings.read, a Prisma upsert (a transaction)'], ['settings', 'the upsert'], ['settings', 'the upsert'], ['settings', 'the upsert'], ['?', 'the upsert'],
  ['llm_calls', 'budget: the month’s totals'], ['bot_turns', 'per-contact cap (repliesSince)'], ['messages', 'context window'],
  ['bot_turns', 'previous trigger'], ['ai_context_snapshots', 'latest snapshot'], ['bot_turns', 'earlier tool calls'],
];
function turnStatementName(i: number, label: string): string {
  const known = TURN_STATEMENTS[i];
  return known && label.endsWith(` ${known[0]}`) ? `${label} — ${known[1]}` : label;
}

function printQueries(samples: Sample[]): void {
  // The turn's statements in the order they are issued (the gates run in a fixed order), up to the request.
  const rows = new Map<string, { label: string; d: number[]; gap: number[] }>();
  for (const s of samples) {
    const t = s.turn;
    if (!t?.fetchAt) continue;
    let prevEnd = t.start;
    t.queries.filter((q) => q.start < t.fetchAt!).forEach((q, i) => {
      const key = `${i + 1}`;
      const row = rows.get(key) ?? { label: turnStatementName(i, label(q.sql)), d: [], gap: [] };
      row.d.push(q.end - q.start);
      row.gap.push(q.start - prevEnd);
      prevEnd = Math.max(prevEnd, q.end);
      rows.set(key, row);
    });
  }
  print('\n| # | statement (turn worker, in order) | turns | duration p50 ms | p95 ms | JS before it p50 ms |');
  print('|---:|---|---:|---:|---:|---:|');
  for (const [k, r] of rows) print(`| ${k} | ${r.label} | ${r.d.length} | ${f(percentile(r.d, 0.5))} | ${f(percentile(r.d, 0.95))} | ${f(percentile(r.gap, 0.5))} |`);
  const tail = samples.filter((s) => s.turn?.fetchAt).map((s) => s.turn!.fetchAt! - Math.max(...s.turn!.queries.filter((q) => q.start < s.turn!.fetchAt!).map((q) => q.end)));
  print(`| | last statement done → fetch() (prompt, tool declarations, SDK) | ${tail.length} | ${f(percentile(tail, 0.5))} | ${f(percentile(tail, 0.95))} | |`);
  const sums = samples.filter((s) => s.turn?.fetchAt).map((s) => s.turn!.queries.filter((q) => q.start < s.turn!.fetchAt!).reduce((a, q) => a + (q.end - q.start), 0));
  const spans = samples.filter((s) => s.turn?.fetchAt).map((s) => s.turn!.fetchAt! - s.turn!.start);
  print(`\nstep start → request: p50 ${f(percentile(spans, 0.5))} ms, of which statements (summed, storeFacts' 3 overlap) p50 ${f(percentile(sums, 0.5))} ms; statements per turn: ${samples[0]?.turn?.queries.filter((q) => q.start < (samples[0]!.turn!.fetchAt ?? 0)).length}`);
}

function printReceivedQueries(tokens: Set<string>, rowsByWa: Map<string, string>): void {
  const rows = new Map<string, { label: string; d: number[] }>();
  for (const [wa, probe] of received) {
    if (!tokens.has(rowsByWa.get(wa) ?? '')) continue;
    probe.queries.forEach((q, i) => {
      const what = q.sql.includes('INSERT INTO messages') ? 'storage: the one-statement insert (messages, conversations)' : q.sql.includes('INSERT INTO bot_turns') ? 'bot: schedule the turn (INSERT … ON CONFLICT)' : label(q.sql);
      const key = `${i + 1} ${what}`;
      const row = rows.get(key) ?? { label: label(q.sql), d: [] };
      row.d.push(q.end - q.start);
      rows.set(key, row);
    });
  }
  print('\n| statement (message.received delivery: storage, then the bot’s subscriber) | deliveries | duration p50 ms | p95 ms |');
  print('|---|---:|---:|---:|');
  for (const [k, r] of rows) print(`| ${k} | ${r.d.length} | ${f(percentile(r.d, 0.5))} | ${f(percentile(r.d, 0.95))} |`);
}

/** The floor: the same request body straight from the openai SDK to the stub, and one Postgres round trip. */
async function references(body: StubRequest['body']): Promise<{ sdk: number[]; select1: number[] }> {
  const client = new OpenAI({ apiKey: 'sk-or-v1-bench-0123456789abcdef', baseURL: stub.url, maxRetries: 0 });
  const sdk: number[] = [];
  for (let i = 0; i < REFERENCE_CALLS + 20; i++) {
    const token = `bench-ref-${i}`;
    const messages = [...body.messages.slice(0, -1), { role: 'user', content: `oi ${token}` }] as OpenAI.Chat.ChatCompletionMessageParam[];
    const started = epochMs();
    await client.chat.completions.create({ ...(body as object), model: body.model, messages, stream: false } as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming);
    if (i >= 20) sdk.push(stubAt.get(token)! - started);
  }
  const pool = new pg.Pool({ connectionString: db, max: 1 });
  const select1: number[] = [];
  for (let i = 0; i < REFERENCE_CALLS + 20; i++) {
    const started = epochMs();
    await pool.query('SELECT 1');
    if (i >= 20) select1.push(epochMs() - started);
  }
  await pool.end();
  return { sdk, select1 };
}

try {
  const commit = benchedCommit();
  const { rows: [pgv] } = await probePool.query<{ v: string }>('SELECT current_setting(\'server_version\') AS v');
  print(`commit ${commit}; node ${process.version}; Postgres ${pgv!.v}; nproc ${cpus().length} × ${cpus()[0]?.model}; load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  print(`command: ${IN_CHILD ? 'BENCH_DAEMON=child ' : ''}node --experimental-wasm-modules --disable-warning=ExperimentalWarning --import tsx bench/bot-latency.bench.ts`);
  print(`${SLOTS} slots; rounds: ${PARALLEL.map((p) => `${CONTACTS} contacts × ${PER_CONTACT} messages, ${p} contact(s) at a time`).join('; ')}`);
  const store = await linkedStore();
  const contactsFor = (round: string, n: number) => Array.from({ length: n }, (_, i) => store.phones[i % SLOTS]!.contact(undefined, { pushName: `Bench ${round} ${i}` }).lidOnly());
  await converse(contactsFor('warm', Math.ceil(WARMUP / 2)), 'warm', 2, 1);
  const results: { parallel: number; samples: Sample[]; load: number; seconds: number }[] = [];
  for (const parallel of PARALLEL) {
    await sleep(1_000); // the previous round's sends, receipts and async key commits settle
    const load = loadavg()[0]!;
    const started = performance.now();
    const tokens = await converse(contactsFor(`p${parallel}`, CONTACTS), `p${parallel}`, PER_CONTACT, parallel);
    const seconds = (performance.now() - started) / 1000;
    results.push({ parallel, samples: await samplesOf(tokens), load, seconds });
    print(`round: ${parallel} at a time: ${tokens.length} messages in ${seconds.toFixed(1)} s`);
  }
  const ref = await references(lastTurnBody!);

  print('\n| round | messages | commit → request at the stub p50 ms | p95 | p99 | max | p95 ≤ 20 ms | load |');
  print('|---|---:|---:|---:|---:|---:|---|---:|');
  for (const r of results) {
    const row = (name: string, s: Sample[]) => print(`| ${name} | ${s.length} | ${stats(s.map((x) => x.total))} | ${percentile(s.map((x) => x.total), 0.95) <= GOAL_P95_MS ? 'yes' : 'NO'} | ${r.load.toFixed(2)} |`);
    row(`${r.parallel} at a time, all`, r.samples);
    row(`${r.parallel} at a time, a contact's first message`, r.samples.filter((s) => s.first));
    row(`${r.parallel} at a time, later messages`, r.samples.filter((s) => !s.first));
  }
  print('\n| stage | round | p50 ms | p95 | p99 | max |');
  print('|---|---|---:|---:|---:|---:|');
  const stages: [keyof Sample, string][] = [
    ['toSchedule', 'row’s now() → the bot’s schedule INSERT starts (storage statement, bus, config read)'],
    ['schedule', 'schedule INSERT … ON CONFLICT (bot_turns)'],
    ['wake', 'schedule done → worker step starts (wakeIn → kick)'],
    ['claim', 'claim (UPDATE … FOR UPDATE SKIP LOCKED)'],
    ['gates', 'claimed → request leaves (gates, context, prompt, SDK)'],
    ['hop', 'fetch() called → stub has the request (HTTP hop)'],
  ];
  for (const r of results) for (const [k, name] of stages) print(`| ${name} | ${r.parallel} at a time | ${stats(r.samples.map((s) => s[k] as number))} |`);
  print('\n| reference (same run, nothing else running) | n | p50 ms | p95 | p99 | max |');
  print('|---|---:|---:|---:|---:|---:|');
  print(`| openai SDK → stub, same request body (chat.completions.create called → stub has it) | ${ref.sdk.length} | ${stats(ref.sdk)} |`);
  print(`| SELECT 1 round trip (pg, local Postgres) | ${ref.select1.length} | ${stats(ref.select1)} |`);
  print(`| goal | | | ${GOAL_P95_MS} | | |`);
  for (const r of results) {
    print(`\nstatements of the turn path, ${r.parallel} at a time:`);
    printQueries(r.samples);
  }
  const { rows } = await probePool.query<{ wa_message_id: string; text: string }>(`SELECT wa_message_id, text FROM messages WHERE direction = 'inbound' AND text LIKE '%bench-p%'`);
  const rowsByWa = new Map(rows.map((r) => [r.wa_message_id, r.text.match(TOKEN)!.at(-1)!]));
  printReceivedQueries(new Set(results[0]!.samples.filter((s) => !s.first).map((s) => s.token)), rowsByWa);
  const missing = results.flatMap((r) => r.samples).filter((s) => !Number.isFinite(s.total)).length;
  print(`\nclock: created_at is Postgres' now() (the storing statement's start, timestamptz(3): ms, rounded), the stub's time is performance.timeOrigin + performance.now() in this process; same host, same clock. ${missing} messages without a request.`);
} catch (err) {
  // What the daemon made of the last messages, to see where a round stopped.
  const { rows } = await probePool.query(`SELECT direction, status, left(text, 60) AS text, created_at FROM messages ORDER BY created_at DESC LIMIT 8`);
  const { rows: t } = await probePool.query(`SELECT state, outcome, detail, attempts FROM bot_turns ORDER BY created_at DESC LIMIT 5`);
  const { rows: j } = await probePool.query(`SELECT state, attempts, held_by, not_before, last_error, to_jid FROM outbound_jobs ORDER BY created_at DESC LIMIT 3`).catch(() => ({ rows: [] }));
  print(JSON.stringify({ messages: rows, turns: t, jobs: j }, null, 1));
  // The message whose answer never came, its conversation's turns, and the answer's row and job.
  const token = /Recebido (bench-[\w-]+)/.exec(String((err as Error).message))?.[1];
  if (token) {
    const { rows: asked } = await probePool.query(`SELECT id, status, conversation_id, created_at FROM messages WHERE direction = 'inbound' AND text LIKE $1`, [`%${token}`]);
    const conversation = asked[0]?.conversation_id ?? null;
    const { rows: theirTurns } = await probePool.query(`SELECT id, state, outcome, detail, attempts, trigger_message_id, created_at, finished_at, lease_until, reply_message_ids FROM bot_turns WHERE conversation_id = $1 ORDER BY created_at DESC LIMIT 4`, [conversation]);
    const { rows: answer } = await probePool.query(`SELECT id, status, wa_message_id, metadata, created_at FROM messages WHERE direction = 'outbound' AND text = $1`, [`Recebido ${token}`]);
    const { rows: answerJobs } = await probePool.query(`SELECT state, attempts, held_by, last_error, not_before FROM outbound_jobs WHERE message_id = ANY($1)`, [answer.map((a) => a.id)]).catch((e: Error) => ({ rows: [e.message] }));
    print(JSON.stringify({ unanswered: token, asked, turns: theirTurns, answer, answerJobs }, null, 1));
  }
  // The child daemon's warnings and errors (BENCH_DAEMON=child), the last ones.
  print(daemon.log().split('\n').filter((l) => /"level":(40|50|60)/.test(l)).slice(-25).join('\n'));
  throw err;
} finally {
  await probePool.end().catch(() => {});
  await daemon.stop();
  await stub.close();
  await sim.close();
  await dropDatabase(db);
  await rm(dataDir, { recursive: true, force: true });
}
