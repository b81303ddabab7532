// Run: npm run bench -- outbound   (knobs: the BENCH_* below)
//
// Outbound (issue 15, item 2): texts sent through POST /api/whatsapp/:storeId/messages to
// simulator contacts — 202s per second from the route, and the time from the request being sent
// to the contact decrypting the message — with the send governor off (every limit at its loosest:
// no typing, no warm-up, 600/min a slot, 1000/h a contact) and on (the defaults a store gets),
// beside the reference it should beat, in the same run: bare Baileys sock.sendMessage from sockets
// linked to the same simulator, sending the same messages to the same kind of contacts.
//
// - The simulator and its contacts run here; the daemon (src/main.ts through tsx, as PM2 runs it)
//   and the bare sockets (bench/outbound-bare.child.ts) in processes of their own, on one clock.
//   Each target has its own store (or sockets), phones and contacts; a slot sends to its phone's.
// - Modes: `first` one message to every contact (each a new Signal session); `one at a time`
//   the next request once the contact decrypted the one before (the path's own latency); `burst`
//   every message asked for at once — ours BENCH_CONCURRENCY POSTs in flight, bare one
//   sendMessage after another on each socket (as the daemon's send loop goes), each message asked
//   for when the burst began — so the latency includes the wait in the queue.
// - Rounds alternate the order of the two governor-off targets; the governed store goes last.
// - A scratch database on BENCH_DATABASE_URL, migrated here and dropped at the end, even on failure.
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { dropDatabase, ensureDatabaseExists, withDatabaseName } from '../src/db/database-admin.js';
import { applyMigrations } from '../src/db/migrator.js';
import { daemonEnv } from '../test/support/daemon-env.js';
import { spawnDaemon, type DaemonProcess } from '../test/support/daemon-process.js';
import { jsonRequest } from '../test/support/json-request.js';
import { AsyncQueue } from '../test/wa-sim/async-queue.js';
import { startSimulator, type FakeContact, type Phone } from '../test/wa-sim/index.js';
import { Arrivals, epochMs } from './outbound-arrivals.js';
import type { BareSend, FromBare, ToBare } from './outbound-bare.child.js';
import { createStore, GOVERNOR_OFF, linkSlot, setSendPolicy, type BenchStore } from './store-api.js';
import { printRatios, printRows, summarize, type Mode, type Row, type Sample } from './outbound-report.js';
import { BENCH_SERVER as SERVER, benchedCommit, num } from './bench-env.js';

const SLOTS = num('BENCH_SLOTS', 2); // per target: slots of one store, or bare sockets
const CONTACTS = num('BENCH_CONTACTS', 10); // per slot
const ONE_BY_ONE = num('BENCH_ONE_BY_ONE', 40); // messages in a one-at-a-time round
const BURST = num('BENCH_BURST', 200); // messages in a burst round
const ROUNDS = num('BENCH_ROUNDS', 2); // one-at-a-time and burst rounds per governor-off target
const CONCURRENCY = num('BENCH_CONCURRENCY', 8); // POSTs in flight in a burst
const GOVERNED_PER_SLOT = num('BENCH_GOVERNED_PER_SLOT', 20); // the governed burst (20 = a slot's minute under the defaults)
const WAIT_MS = 600_000;
const OURS = 'POST …/messages, governor off';
const GOVERNED = 'POST …/messages, governor on (defaults)';
const BARE = 'reference: bare Baileys sock.sendMessage';

const log = (line: string) => process.stderr.write(`${line}\n`);
const print = (line: string) => process.stdout.write(`${line}\n`);
const commit = benchedCommit();

/** One message of a round: which slot (or socket) sends it, to whom, and its text (unique: it names the message). */
interface Planned {
  slot: number;
  contact: FakeContact;
  text: string;
}
interface Target {
  name: string;
  contacts: FakeContact[][]; // per slot
  /** Sends the messages in `mode`: a sample for each that went (by text; its arrival is filled in after), a count of the refused. */
  send(messages: Planned[], mode: Mode): Promise<{ samples: Map<string, Sample>; errors: number }>;
}

const perSlotOff = CONTACTS + (ROUNDS * (ONE_BY_ONE + BURST)) / SLOTS;
if (perSlotOff > 600) throw new Error(`the governor off still lets a slot send 600 a minute: ${perSlotOff} per slot would measure that limit; use more BENCH_SLOTS or fewer messages`);

// In a burst no two POSTs in flight share a contact: two first sends to one new number race for
// its contact row and the loser's transaction runs again, which is not the path this measures.
if (SLOTS * CONTACTS < CONCURRENCY) throw new Error(`BENCH_CONCURRENCY ${CONCURRENCY} needs at least as many contacts (BENCH_SLOTS × BENCH_CONTACTS)`);

const loadAtStart = loadavg();
const sim = await startSimulator();
const arrivals = new Arrivals();
const db = withDatabaseName(SERVER, `drin_bench_outbound_${randomBytes(4).toString('hex')}`);
const dataDir = await mkdtemp(path.join(tmpdir(), 'drin-bench-outbound-'));
let daemon: DaemonProcess | undefined;
let bare: ReturnType<typeof forkBare> | undefined;

function contactsOf(phones: Phone[], t: number): FakeContact[][] {
  return phones.map((phone, s) =>
    Array.from({ length: CONTACTS }, (_, c) => {
      const contact = phone.contact(`55219${t}${s}${String(c).padStart(5, '0')}`, { pushName: `Bench ${t}.${s}.${c}` });
      arrivals.watch(contact);
      return contact;
    }),
  );
}
const phoneNumber = (t: number, s: number) => `55119${t}${String(s).padStart(6, '0')}`;

/** A store of the daemon with SLOTS linked slots, sending through the route. */
async function ourTarget(url: string, name: string, t: number, sendPolicy?: Record<string, unknown>): Promise<Target> {
  const store = await createStore(url, name);
  if (sendPolicy) await setSendPolicy(url, store, sendPolicy);
  const phones: Phone[] = [];
  for (let s = 0; s < SLOTS; s++) phones.push(await linkSlot(url, sim, store, s + 1, phoneNumber(t, s)));
  return { name, contacts: contactsOf(phones, t), send: (messages, mode) => postAll(url, store, messages, mode) };
}

async function postAll(url: string, store: BenchStore, messages: Planned[], mode: Mode): Promise<{ samples: Map<string, Sample>; errors: number }> {
  const samples = new Map<string, Sample>();
  let errors = 0;
  const post = async (m: Planned) => {
    const askedAt = epochMs();
    const res = await jsonRequest(url, 'POST', `/api/whatsapp/${store.storeId}/messages`, { key: store.apiKey, body: { to: m.contact.pnJid, slot: m.slot + 1, type: 'text', text: m.text } });
    if (res.status === 202) samples.set(m.text, { askedAt, acceptedAt: epochMs() });
    else if (errors++ === 0) log(`${store.storeId}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    return res.status === 202;
  };
  if (mode === 'one at a time') {
    for (const m of messages) if (await post(m)) await arrivals.waitFor([m.text], WAIT_MS);
  } else {
    const queue = [...messages];
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => { for (let m = queue.shift(); m; m = queue.shift()) await post(m); }));
  }
  return { samples, errors };
}

function forkBare() {
  const child = fork(path.join(import.meta.dirname, 'outbound-bare.child.ts'), [sim.url, sim.rootPublicKey.toString('base64'), String(SLOTS)], {
    execArgv: ['--experimental-wasm-modules', '--disable-warning=ExperimentalWarning', '--import', 'tsx'],
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const inbox = new AsyncQueue<FromBare | { type: 'failed'; message: string }>();
  let out = '';
  child.stdout!.on('data', (d) => (out += d.toString()));
  child.stderr!.on('data', (d) => (out += d.toString()));
  child.on('message', (m: FromBare) => inbox.push(m));
  child.on('exit', (code) => inbox.push({ type: 'failed', message: `the bare child exited with ${code}:\n${out.slice(-4000)}` }));
  /** The child's next message of this type; fails at once if the child died. */
  const next = async <T extends FromBare['type']>(type: T, matches: (m: Extract<FromBare, { type: T }>) => boolean = () => true) => {
    const m = await inbox.take((x) => x.type === 'failed' || (x.type === type && matches(x as Extract<FromBare, { type: T }>)), `bare child: ${type}`, WAIT_MS);
    if (m.type === 'failed') throw new Error(m.message);
    return m as Extract<FromBare, { type: T }>;
  };
  const tell = (m: ToBare) => child.send(m);
  return { child, next, tell };
}

/** The reference: SLOTS bare sockets in their own process, linked to phones of the same simulator. */
async function bareTarget(t: number): Promise<Target> {
  bare = forkBare();
  const { next, tell } = bare;
  const phones: Phone[] = [];
  for (let s = 0; s < SLOTS; s++) {
    phones.push(await sim.scanQr((await next('qr', (m) => m.index === s)).qr, { phone: phoneNumber(t, s), timeoutMs: 120_000 }));
    await next('open', (m) => m.index === s);
  }
  await next('ready');
  const sendAll = async (messages: Planned[]) => {
    tell({ type: 'send', messages: messages.map((m): BareSend => ({ client: m.slot, jid: m.contact.pnJid, text: m.text })) });
    const sent = await next('sent');
    if (sent.failed.length) log(`${BARE}: ${sent.failed.length} sends failed, first: ${sent.firstError}`);
    const went = messages.filter((m) => !sent.failed.includes(m.text));
    return { samples: new Map(went.map((m) => [m.text, { askedAt: sent.askedAt }])), errors: sent.failed.length };
  };
  const send = async (messages: Planned[], mode: Mode) => {
    if (mode !== 'one at a time') return sendAll(messages);
    const samples = new Map<string, Sample>();
    let errors = 0;
    for (const m of messages) {
      const one = await sendAll([m]);
      errors += one.errors;
      for (const [text, sample] of one.samples) samples.set(text, sample);
      if (!one.errors) await arrivals.waitFor([m.text], WAIT_MS);
    }
    return { samples, errors };
  };
  return { name: BARE, contacts: contactsOf(phones, t), send };
}

let round = 0;
/** Message i goes from slot i mod SLOTS to that slot's contacts in turn. */
function plan(target: Target, count: number): Planned[] {
  round++;
  return Array.from({ length: count }, (_, i) => {
    const slot = i % SLOTS;
    const contacts = target.contacts[slot]!;
    const contact = contacts[Math.floor(i / SLOTS) % contacts.length]!;
    return { slot, contact, text: `Olá! Seu pedido bench-r${round}-m${i} saiu para entrega.` };
  });
}

const rows: Row[] = [];
async function runRound(target: Target, mode: Mode, count: number): Promise<void> {
  const messages = plan(target, count);
  const { samples, errors } = await target.send(messages, mode);
  const at = await arrivals.waitFor([...samples.keys()], WAIT_MS);
  for (const [text, time] of at) samples.get(text)!.arrivedAt = time;
  const row = summarize(target.name, mode, [...samples.values()], errors);
  rows.push(row);
  log(`round ${round}: ${row.target}, ${mode}: ${row.messages} decrypted, p50 ${row.p50.toFixed(1)} ms, p99 ${row.p99.toFixed(1)} ms, ${errors} errors`);
}

try {
  await ensureDatabaseExists(db);
  await applyMigrations(db);
  daemon = await spawnDaemon({ ...daemonEnv(sim, { url: db }, dataDir, { MAX_SLOTS: String(Math.max(SLOTS, 3)) }), LOG_LEVEL: 'info' });
  const off = await ourTarget(daemon.url, OURS, 0, GOVERNOR_OFF);
  const reference = await bareTarget(1);
  const governed = await ourTarget(daemon.url, GOVERNED, 2);
  log(`linked ${SLOTS} slots per target; ${CONTACTS} contacts per slot`);

  for (const t of [reference, off]) await runRound(t, 'first', SLOTS * CONTACTS);
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 ? [off, reference] : [reference, off];
    for (const t of order) await runRound(t, 'one at a time', ONE_BY_ONE);
    for (const t of [...order].reverse()) await runRound(t, 'burst', BURST);
  }
  await runRound(governed, 'burst', GOVERNED_PER_SLOT * SLOTS);

  const daemonErrors = daemon.output().split('\n').filter((l) => /"level":(50|60)/.test(l));
  print(`commit ${commit}; node ${process.version}; nproc ${cpus().length}; load ${loadAtStart.map((l) => l.toFixed(2)).join(' ')} at start, ${loadavg().map((l) => l.toFixed(2)).join(' ')} at end`);
  print(`${SLOTS} slots (bare: sockets) per target, ${CONTACTS} contacts per slot; burst: ${CONCURRENCY} POSTs in flight; daemon error log lines: ${daemonErrors.length}${daemonErrors.length ? ` (first: ${daemonErrors[0]!.slice(0, 300)})` : ''}`);
  print('');
  printRows(rows, print);
  printRatios(rows, OURS, BARE, print);
} finally {
  await daemon?.stop('SIGTERM');
  if (bare && bare.child.exitCode === null) {
    const exited = new Promise((r) => bare!.child.once('exit', r));
    bare.tell({ type: 'stop' });
    await exited;
  }
  await sim.close();
  await dropDatabase(db);
  await rm(dataDir, { recursive: true, force: true });
}
