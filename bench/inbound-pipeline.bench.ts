// Run: node --experimental-wasm-modules --disable-warning=ExperimentalWarning --import tsx bench/inbound-pipeline.bench.ts
//
// Inbound messages per second from simulator contacts to committed rows, and the time from
// Baileys emitting messages.upsert to the row's commit, beside bare Baileys decrypting the same
// traffic with a no-op handler, in the same run. Not a test: figures go to BENCHMARKS.md.
//
// - The simulator runs here; the daemon (startDaemon, scratch database on the local Postgres,
//   migrated at its start, dropped at the end) and the bare Baileys sockets each run in a child
//   process of their own (bench/inbound-*.child.ts). Each target gets its own phones (one linked
//   device each) with the same number of fake contacts.
// - The contacts' Signal encryption is done before a round is timed: their stanzas are captured
//   (Phone.deliver swapped out), then pushed through the simulator's real connection in one
//   burst (throughput) or at a fixed rate (latency). During a round the bench process only frames
//   (Noise) and sends, and answers the client's receipts — the same for every target.
// - Rounds alternate the targets, in varied order (ABC CBA), so a slow minute of the shared
//   machine does not land on one target only.
import { fork, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { BinaryNode } from '@whiskeysockets/baileys';
import { dropDatabase, ensureDatabaseExists, withDatabaseName } from '../src/db/database-admin.js';
import { daemonEnv } from '../test/support/daemon-env.js';
import { AsyncQueue } from '../test/wa-sim/async-queue.js';
import { pollUntil } from '../test/wa-sim/deadline.js';
import { startSimulator, type FakeContact, type Phone } from '../test/wa-sim/index.js';
import { epochMs, roundPrefix, type FromChild, type MessageTiming, type ToChild } from './inbound-timing.js';
import { printResults, type RoundResult } from './inbound-report.js';
import { BENCH_SERVER as SERVER, num } from './bench-env.js';
import { call, createStore, linkSlot } from './store-api.js';

const SLOTS = num('BENCH_SLOTS', 4); // phones (daemon: slots of one store) per target
const CONTACTS = num('BENCH_CONTACTS', 25); // per phone
const PER_CONTACT = num('BENCH_PER_CONTACT', 10); // messages per contact in a burst or paced round
const REPEATS = num('BENCH_REPEATS', 1); // times the ABC CBA burst pattern runs
const PACED_RATES = (process.env.BENCH_PACED_RATES ?? '200,500').split(',').map(Number).filter((r) => r > 0);
const KINDS = (process.env.BENCH_TARGETS ?? 'daemon,bare-memory,bare-file').split(',') as Kind[];
// The daemon's store has a webhook for message.received (a loopback receiver here answering 204),
// so every message also writes its outbox row, as a store with an n8n flow has it. 0: none.
const WEBHOOK = process.env.BENCH_WEBHOOK !== '0';
const ROOT = path.resolve(import.meta.dirname, '..');
const TSX = ['--experimental-wasm-modules', '--disable-warning=ExperimentalWarning', '--import', 'tsx'];
const WAIT = 600_000;

type Kind = 'daemon' | 'bare-memory' | 'bare-file';
interface Target {
  kind: Kind;
  child: ChildProcess;
  inbox: AsyncQueue<FromChild>;
  output: () => string;
  phones: Phone[];
  contacts: FakeContact[][]; // per phone
}
interface Push {
  id: string;
  phone: Phone;
  deviceId: number;
  stanza: BinaryNode;
}

const print = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sim = await startSimulator();
const db = withDatabaseName(SERVER, `drin_bench_inbound_${randomBytes(4).toString('hex')}`);
await ensureDatabaseExists(db);
const dataDir = await mkdtemp(path.join(tmpdir(), 'drin-bench-inbound-'));
const targets: Target[] = [];

function forkChild(file: string, args: string[], env: Record<string, string>): Pick<Target, 'child' | 'inbox' | 'output'> {
  const child = fork(path.join(ROOT, 'bench', file), args, {
    cwd: ROOT,
    // BENCH_CPU_PROF=<folder>: V8 CPU profiles of the children (written when they exit).
    execArgv: process.env.BENCH_CPU_PROF ? [...TSX, '--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : TSX,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const inbox = new AsyncQueue<FromChild>();
  let out = '';
  child.stdout!.on('data', (d) => (out += d.toString()));
  child.stderr!.on('data', (d) => (out += d.toString()));
  child.on('message', (m: FromChild) => inbox.push(m));
  child.on('exit', (code) => inbox.push({ type: 'failed', message: `${file} exited with ${code}:\n${out.slice(-4000)}` }));
  return { child, inbox, output: () => out };
}

/** Waits for a message from the child, failing at once if it died. */
async function next<T extends FromChild['type']>(t: Pick<Target, 'inbox'>, type: T, matches: (m: Extract<FromChild, { type: T }>) => boolean = () => true) {
  const m = await t.inbox.take((x) => x.type === 'failed' || (x.type === type && matches(x as Extract<FromChild, { type: T }>)), `child ${type}`, WAIT);
  if (m.type === 'failed') throw new Error(m.message);
  return m as Extract<FromChild, { type: T }>;
}

const phoneNumber = (t: number, s: number) => `55119${t}${String(s).padStart(6, '0')}`;
const contactNumber = (t: number, s: number, c: number) => `55219${t}${s}${String(c).padStart(5, '0')}`;

function contactsOf(t: number, phones: Phone[]): FakeContact[][] {
  return phones.map((phone, s) => Array.from({ length: CONTACTS }, (_, c) => phone.contact(contactNumber(t, s, c), { pushName: `Bench ${t}.${s}.${c}` })));
}

/** The loopback receiver of the daemon store's webhook: reads each delivery and answers 204. */
async function startReceiver(): Promise<{ url: string; deliveries: () => number; close: () => Promise<void> }> {
  let deliveries = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      deliveries++;
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/drin`, deliveries: () => deliveries, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
const receiver = WEBHOOK ? await startReceiver() : undefined;

async function startDaemonTarget(t: number): Promise<Target> {
  const env = daemonEnv(sim, { url: db }, dataDir, { LOG_LEVEL: 'warn', MAX_SLOTS: String(Math.max(SLOTS, 3)), WA_WEB_VERSION_REFRESH: 'false', WEBHOOKS_ALLOW_PRIVATE_URLS: 'true' });
  const parts = forkChild('inbound-daemon.child.ts', [], env);
  const { url } = await next(parts, 'ready');
  const store = await createStore(url!, 'bench');
  if (receiver) await call(url!, 'POST', `/api/client/${store.storeId}/webhooks`, store.apiKey, { url: receiver.url, events: ['message.received'] });
  const phones: Phone[] = [];
  for (let slot = 1; slot <= SLOTS; slot++) phones.push(await linkSlot(url!, sim, store, slot, phoneNumber(t, slot - 1)));
  return { kind: 'daemon', ...parts, phones, contacts: contactsOf(t, phones) };
}

async function startBareTarget(t: number, kind: 'bare-memory' | 'bare-file'): Promise<Target> {
  const parts = forkChild('inbound-bare.child.ts', [sim.url, sim.rootPublicKey.toString('base64'), String(SLOTS), kind.slice(5)], {});
  const phones: Phone[] = [];
  for (let i = 0; i < SLOTS; i++) {
    const { qr } = await next(parts, 'qr', (m) => m.index === i);
    phones.push(await sim.scanQr(qr, { phone: phoneNumber(t, i) }));
    await next(parts, 'open', (m) => m.index === i);
  }
  await next(parts, 'ready');
  return { kind, ...parts, phones, contacts: contactsOf(t, phones) };
}

/** The round's stanzas, encrypted now (captured, not sent), in send order: message j of every contact of every phone, then j + 1. */
async function encryptRound(target: Target, prefix: string, perContact: number): Promise<Push[]> {
  const captured = new Map<string, Push>();
  for (const phone of target.phones) {
    phone.deliver = (deviceId: number, stanza: BinaryNode) => void captured.set(stanza.attrs.id!, { id: stanza.attrs.id!, phone, deviceId, stanza });
  }
  const idOf = (s: number, c: number, j: number) => `${prefix}S${s}C${c}M${j}`;
  try {
    await Promise.all(
      target.contacts.flatMap((list, s) =>
        list.map(async (contact, c) => {
          for (let j = 0; j < perContact; j++) await contact.sendText(`bench message ${j} from ${contact.pn}`, { id: idOf(s, c, j) });
        }),
      ),
    );
  } finally {
    for (const phone of target.phones) delete (phone as Partial<Phone>).deliver; // the prototype's again
  }
  const ordered: Push[] = [];
  for (let j = 0; j < perContact; j++) for (let c = 0; c < CONTACTS; c++) for (let s = 0; s < SLOTS; s++) ordered.push(captured.get(idOf(s, c, j))!);
  return ordered;
}

/** Pushes the stanzas through the simulator: all at once, or `rate` per second. Returns when each went out. */
async function replay(pushes: Push[], rate?: number): Promise<Map<string, number>> {
  const pushedAt = new Map<string, number>();
  const push = (p: Push) => {
    pushedAt.set(p.id, epochMs());
    p.phone.deliver(p.deviceId, p.stanza);
  };
  if (!rate) pushes.forEach(push);
  else {
    const start = epochMs();
    for (let i = 0; i < pushes.length; await sleep(2)) {
      const due = Math.min(pushes.length, Math.floor(((epochMs() - start) / 1000) * rate) + 1);
      while (i < due) push(pushes[i++]!);
    }
  }
  return pushedAt;
}

/** CPU time (user + system, ms) a process has used so far. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ 100)
}

/**
 * CPU time (ms) the local Postgres server has used so far: its postmaster's children (backends,
 * WAL writer, checkpointer…) and the children that already exited. Found from a backend's parent;
 * undefined when the server is not on this machine.
 */
async function postgresCpuMs(): Promise<number | undefined> {
  try {
    const { rows } = await probe.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const stat = (pid: number) => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    const postmaster = Number(stat(rows[0]!.pid)[1]);
    const own = stat(postmaster);
    let ticks = Number(own[13]) + Number(own[14]); // cutime, cstime: children that exited
    for (const child of readFileSync(`/proc/${postmaster}/task/${postmaster}/children`, 'utf8').trim().split(' ').filter(Boolean)) {
      const f = stat(Number(child));
      ticks += Number(f[11]) + Number(f[12]);
    }
    return (ticks * 1000) / 100;
  } catch {
    return undefined;
  }
}
const probe = new pg.Pool({ connectionString: SERVER, max: 1 });

let rounds = 0;
const results: RoundResult[] = [];

async function runRound(target: Target, mode: RoundResult['mode'], perContact: number, rate?: number): Promise<RoundResult> {
  const prefix = roundPrefix(++rounds);
  const pushes = await encryptRound(target, prefix, perContact);
  await sleep(1_000); // the previous round's receipts, async key commits and GC settle
  target.child.send({ type: 'expect', prefix, count: pushes.length } satisfies ToChild);
  const done = next(target, 'done', (m) => m.prefix === prefix);
  const [childCpu, simCpu, pgCpu, load] = [cpuMs(target.child.pid!), cpuMs(process.pid), await postgresCpuMs(), loadavg()[0]!];
  const pushedAt = await replay(pushes, rate);
  const { timings } = await done;
  const pgCpuAfter = await postgresCpuMs();
  const result = summarize(target.kind, mode, rate, timings, pushedAt, {
    childCpuMs: cpuMs(target.child.pid!) - childCpu,
    simCpuMs: cpuMs(process.pid) - simCpu,
    pgCpuMs: pgCpu !== undefined && pgCpuAfter !== undefined ? pgCpuAfter - pgCpu : NaN,
    load,
  });
  results.push(result);
  print(`round ${rounds}: ${result.target} ${result.mode}${rate ? ` @${rate}/s` : ''}: ${result.count} msgs, ${result.rate.toFixed(0)} msg/s, emit→done p50 ${result.emitP50.toFixed(1)} p99 ${result.emitP99.toFixed(1)} ms`);
  return result;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * (sorted.length - 1)))] ?? NaN;
}

function summarize(
  target: Kind,
  mode: RoundResult['mode'],
  rate: number | undefined,
  timings: MessageTiming[],
  pushedAt: Map<string, number>,
  cpu: { childCpuMs: number; simCpuMs: number; pgCpuMs: number; load: number },
): RoundResult {
  const firstEmit = Math.min(...timings.map((t) => t.emitAt));
  const lastDone = Math.max(...timings.map((t) => t.doneAt));
  const firstPush = Math.min(...pushedAt.values());
  const emitToDone = timings.map((t) => t.doneAt - t.emitAt);
  const pushToDone = timings.map((t) => t.doneAt - pushedAt.get(t.id)!);
  return {
    target,
    mode,
    offered: rate,
    count: timings.length,
    rate: (timings.length / (lastDone - firstEmit)) * 1000,
    wallRate: (timings.length / (lastDone - firstPush)) * 1000,
    emitP50: percentile(emitToDone, 0.5),
    emitP99: percentile(emitToDone, 0.99),
    emitMax: Math.max(...emitToDone),
    pushP50: percentile(pushToDone, 0.5),
    pushP99: percentile(pushToDone, 0.99),
    childCpuPerMsg: cpu.childCpuMs / timings.length,
    simCpuPerMsg: cpu.simCpuMs / timings.length,
    pgCpuPerMsg: cpu.pgCpuMs / timings.length,
    load: cpu.load,
  };
}

async function stopChild(t: Pick<Target, 'child'>): Promise<void> {
  if (t.child.exitCode !== null) return;
  const exited = new Promise((r) => t.child.once('exit', r));
  t.child.send({ type: 'stop' } satisfies ToChild);
  const timer = setTimeout(() => t.child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

let daemonMessages = 0;
try {
  print(`node ${process.version}; ${KINDS.join(', ')}; ${SLOTS} phones × ${CONTACTS} contacts each per target; load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  for (const [i, kind] of KINDS.entries()) targets.push(kind === 'daemon' ? await startDaemonTarget(i) : await startBareTarget(i, kind));
  await sleep(3_000); // post-login queries (pre-key uploads, init queries) done
  const count = (t: Target, r: RoundResult) => (t.kind === 'daemon' ? (daemonMessages += r.count) : 0);
  // First messages: every contact's first (pkmsg: a new Signal session; for the daemon a new contact and thread).
  for (const t of targets) count(t, await runRound(t, 'first', 1));
  const pattern = [...targets, ...[...targets].reverse()];
  for (let r = 0; r < REPEATS; r++) for (const t of pattern) count(t, await runRound(t, 'burst', PER_CONTACT));
  for (const [i, rate] of PACED_RATES.entries()) {
    for (const t of i % 2 ? [...targets].reverse() : targets) count(t, await runRound(t, 'paced', PER_CONTACT, rate));
  }
  const pool = new pg.Pool({ connectionString: db, max: 1 });
  const { rows } = await pool.query<{ rows: string; ids: string }>(
    `SELECT count(*) AS rows, count(DISTINCT wa_message_id) AS ids FROM messages WHERE direction = 'inbound'`,
  );
  // (b) of the issue: the webhook outbox row. Storage writes it in the message's own statement
  // (inbound-queries.ts), so it commits when the message row does; both rows' created_at is that
  // transaction's now(), which this checks (xmin would not do: delivery updates the row).
  const { rows: outbox } = await pool.query<{ deliveries: string; same_tx: string }>(
    `SELECT count(*) AS deliveries, count(*) FILTER (WHERE d.created_at = m.created_at) AS same_tx
       FROM webhook_deliveries d JOIN messages m ON m.id = d.payload->'data'->>'messageId'
      WHERE d.event = 'message.received' AND m.direction = 'inbound'`,
  );
  await pool.end();
  printResults(results, { expectedRows: daemonMessages, rows: Number(rows[0]!.rows), distinctIds: Number(rows[0]!.ids), print });
  if (receiver) {
    // Deliveries are the worker's, after the commits: wait for the last ones to land (or say how many did).
    const expected = Number(outbox[0]!.deliveries);
    await pollUntil(() => receiver.deliveries() >= expected || undefined, 'the deliveries', { timeoutMs: 120_000 }).catch(() => undefined);
    print(
      `outbox: ${outbox[0]!.deliveries} message.received deliveries for ${rows[0]!.rows} inbound rows, ${outbox[0]!.same_tx} share their message's now() (the hot path's one statement; the rest are first messages, whose Prisma transaction stamps its own times): each outbox row commits with its message row, so (b) = (a), push→done; ${receiver.deliveries()} reached the receiver by the end`,
    );
  }
} finally {
  for (const t of targets) {
    const errors = t.output().split('\n').filter((l) => /"level":(50|60)/.test(l));
    if (errors.length) print(`${t.kind}: ${errors.length} error lines, first: ${errors[0]!.slice(0, 400)}`);
    await stopChild(t);
  }
  await probe.end();
  await receiver?.close();
  await sim.close();
  await dropDatabase(db);
  await rm(dataDir, { recursive: true, force: true });
}
