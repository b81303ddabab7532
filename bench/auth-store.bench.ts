// Run: node --experimental-wasm-modules --disable-warning=ExperimentalWarning --import tsx bench/auth-store.bench.ts
// (BENCH_SYNCHRONOUS_COMMIT=off runs the Postgres side with asynchronous commit, for comparison.)
//
// PostgresAuthStore against Baileys' useMultiFileAuthState on the same workloads, in one run:
// 812-prekey uploads, single-session writes, first contacts (the write/read pattern of a first
// pkmsg), single-session reads. Needs the local Postgres (BENCH_DATABASE_URL, default
// 127.0.0.1:5432); creates a scratch database, migrates it, and drops it at the end.
// Operations run one at a time, as one slot issues them; every Postgres set is its own committed
// transaction (autocommit, synchronous_commit as the server has it), sealed (AES-256-GCM) and
// fenced (owner epoch checked in the statement), as the daemon runs it. The same run repeats the
// Postgres side on a pool with synchronous_commit=off ("postgres async"), with asynchronous commit
// set per statement (asyncKeyCommit, "postgres async-stmt"), and times single
// session writes without the fence ("postgres unfenced") and the sealing alone (CPU only).
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Curve, useMultiFileAuthState, type KeyPair, type SignalKeyStore } from '@whiskeysockets/baileys';
import { dropDatabase, ensureDatabaseExists, withDatabaseName } from '../src/db/database-admin.js';
import { applyMigrations } from '../src/db/migrator.js';
import { openConnections } from '../src/db/prisma.js';
import { createKeyring, decrypt, encrypt } from '../src/security/secret-box.js';
import { AuthKeyCache, loadPostgresAuthState } from '../src/whatsapp/engine/auth/index.js';
import { bumpOwnerEpoch } from '../src/whatsapp/engine/owner-epoch.repo.js';
import { BENCH_SERVER as SERVER } from './bench-env.js';

// BENCH_SCALE shrinks every count (the smoke test runs 0.02 of a full run).
const scaled = (n: number) => Math.max(1, Math.round(n * Number(process.env.BENCH_SCALE ?? 1)));
const PREKEY_UPLOADS = scaled(20);
const PREKEYS_PER_UPLOAD = 812;
const SESSION_WRITES = scaled(1000);
const SESSION_READS = scaled(1000);
const FIRST_CONTACTS = scaled(100);
const SESSION_BYTES = 3 * 1024; // a libsignal session record with a few old chains: a few KB
const WARMUP = scaled(50);
const SYNCHRONOUS_COMMIT = process.env.BENCH_SYNCHRONOUS_COMMIT; // unset: the server's setting
const keyring = createKeyring({ version: 1, secret: randomBytes(32).toString('base64url') });

interface Result {
  workload: string;
  store: string;
  ops: number;
  totalMs: number;
  latencies: number[];
}

const results: Result[] = [];
const print = (line: string) => process.stdout.write(`${line}\n`);

/** Runs `op` `count` times one after another and records each latency. */
async function measure(workload: string, store: string, count: number, op: (i: number) => Promise<unknown>): Promise<Result> {
  const latencies: number[] = [];
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    await op(i);
    latencies.push(performance.now() - t);
  }
  const result = { workload, store, ops: count, totalMs: performance.now() - started, latencies };
  results.push(result);
  return result;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * (sorted.length - 1)))] ?? NaN;
}

function summary(r: Result) {
  const sorted = [...r.latencies].sort((a, b) => a - b);
  return { opsPerSec: (r.ops / r.totalMs) * 1000, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) };
}

const preKeyBatches: Record<string, KeyPair>[] = Array.from({ length: PREKEY_UPLOADS }, (_, run) =>
  Object.fromEntries(Array.from({ length: PREKEYS_PER_UPLOAD }, (_, i) => [String(run * PREKEYS_PER_UPLOAD + i + 1), Curve.generateKeyPair()])),
);
const sessionBlobs = Array.from({ length: 64 }, () => randomBytes(SESSION_BYTES));
const contactId = (i: number) => `2${String(i).padStart(14, '0')}`; // LID user part

/** The same workloads against any SignalKeyStore. */
async function runWorkloads(store: string, keys: SignalKeyStore, uncachedKeys?: SignalKeyStore): Promise<void> {
  // Warm-up (prepared statements, JIT, file handles), on ids the timed runs do not use.
  for (let i = 0; i < WARMUP; i++) {
    await keys.set({ session: { [`warm${i}.0`]: sessionBlobs[i % 64]! } });
    await keys.get('session', [`warm${i}.0`]);
    await uncachedKeys?.get('session', [`warm${i}.0`]);
  }

  await measure(`${PREKEYS_PER_UPLOAD}-prekey upload (one set)`, store, PREKEY_UPLOADS, (run) => keys.set({ 'pre-key': preKeyBatches[run]! }) as Promise<void>);

  await measure('single-session write', store, SESSION_WRITES, (i) =>
    keys.set({ session: { [`${contactId(i % 100)}.0`]: sessionBlobs[i % 64]! } }) as Promise<void>,
  );

  // A first pkmsg from a new contact: ~8 single-key reads and 3 sets (protocol notes, "Writes seen").
  const sets: number[] = [];
  const reads: number[] = [];
  const timed = async (into: number[], op: () => unknown) => {
    const t = performance.now();
    await op();
    into.push(performance.now() - t);
  };
  const contacts = await measure('first contact (3 sets + 8 reads)', store, FIRST_CONTACTS, async (i) => {
    const lid = `3${String(i).padStart(14, '0')}`;
    const pn = `55119${String(i).padStart(8, '0')}`;
    const preKeyId = String(i + 1); // uploaded by the first prekey batch
    await timed(reads, () => keys.get('lid-mapping', [pn]));
    await timed(reads, () => keys.get('lid-mapping', [`${lid}_reverse`]));
    await timed(reads, () => keys.get('device-list', [pn]));
    await timed(reads, () => keys.get('session', [`${lid}.0`]));
    await timed(reads, () => keys.get('identity-key', [`${lid}.0`]));
    await timed(reads, () => keys.get('pre-key', [preKeyId]));
    await timed(sets, () => keys.set({ 'lid-mapping': { [pn]: lid, [`${lid}_reverse`]: pn } }));
    await timed(sets, () => keys.set({ 'identity-key': { [`${lid}.0`]: randomBytes(33) } }));
    await timed(sets, () => keys.set({ session: { [`${lid}.0`]: sessionBlobs[i % 64]! }, 'pre-key': { [preKeyId]: null } }));
    await timed(reads, () => keys.get('session', [`${lid}.0`]));
    await timed(reads, () => keys.get('tctoken', [`${pn}@s.whatsapp.net`]));
  });
  results.push({ workload: '  first contact: each set', store, ops: sets.length, totalMs: sets.reduce((a, b) => a + b, 0), latencies: sets });
  results.push({ workload: '  first contact: each read', store, ops: reads.length, totalMs: reads.reduce((a, b) => a + b, 0), latencies: reads });
  void contacts;

  await measure(`single-session read${uncachedKeys ? ' (cached)' : ''}`, store, SESSION_READS, (i) => keys.get('session', [`${contactId(i % 100)}.0`]) as Promise<unknown>);
  if (uncachedKeys) {
    await measure('single-session read (uncached)', store, SESSION_READS, (i) => uncachedKeys.get('session', [`${contactId(i % 100)}.0`]) as Promise<unknown>);
  }
}

function printReport(): void {
  const fmt = (n: number, digits = 2) => n.toFixed(digits);
  print('\n| workload | store | ops | ops/s | p50 ms | p99 ms |');
  print('|---|---|---:|---:|---:|---:|');
  for (const r of results) {
    const s = summary(r);
    print(`| ${r.workload.trim()} | ${r.store} | ${r.ops} | ${fmt(s.opsPerSec, 0)} | ${fmt(s.p50, 3)} | ${fmt(s.p99, 3)} |`);
  }
  const find = (workload: string, store: string) => {
    const r = results.find((x) => x.workload.startsWith(workload) && x.store === store);
    if (!r) throw new Error(`no result for ${workload} / ${store}`);
    return summary(r);
  };
  const ratio = (workload: string, ours = workload) => find(workload, 'file').p50 / find(ours, 'postgres').p50;
  const throughput = (workload: string, ours = workload) => find(ours, 'postgres').opsPerSec / find(workload, 'file').opsPerSec;
  const upload = `${PREKEYS_PER_UPLOAD}-prekey upload`;
  const sessionSet = find('single-session write', 'postgres');
  const contactSet = find('  first contact: each set', 'postgres');
  print('\n| goal | measured | met |');
  print('|---|---|---|');
  print(`| ${upload} ≥ 20× faster | ${fmt(throughput(upload), 1)}× ops/s, ${fmt(ratio(upload), 1)}× p50 | ${throughput(upload) >= 20 ? 'yes' : 'NO'} |`);
  const setRatio = throughput('single-session write');
  print(`| single-key set ≥ 2× faster | ${fmt(setRatio, 1)}× ops/s, ${fmt(ratio('single-session write'), 1)}× p50 | ${setRatio >= 2 ? 'yes' : 'NO'} |`);
  print(`| single-key set p99 ≤ 2 ms | session write ${fmt(sessionSet.p99, 3)} ms; first-contact sets ${fmt(contactSet.p99, 3)} ms | ${Math.max(sessionSet.p99, contactSet.p99) <= 2 ? 'yes' : 'NO'} |`);
  const asyncSet = find('single-session write', 'postgres async-stmt');
  const asyncContact = find('  first contact: each set', 'postgres async-stmt');
  const fileSet = find('single-session write', 'file');
  print(
    `| (async commit per statement) single-key set p99 ≤ 2 ms, p50 ≤ file store | session write p50 ${fmt(asyncSet.p50, 3)} / p99 ${fmt(asyncSet.p99, 3)} ms (file p50 ${fmt(fileSet.p50, 3)} / p99 ${fmt(fileSet.p99, 3)}); first-contact sets p99 ${fmt(asyncContact.p99, 3)} ms | ${Math.max(asyncSet.p99, asyncContact.p99) <= 2 ? 'yes' : 'NO'} (p99), ${asyncSet.p50 <= fileSet.p50 ? 'yes' : 'NO'} (p50) |`,
  );
  const readRatio = throughput('single-session read', 'single-session read (cached)');
  print(`| cached read ≥ 10× faster | ${fmt(readRatio, 1)}× ops/s, ${fmt(ratio('single-session read', 'single-session read (cached)'), 1)}× p50 | ${readRatio >= 10 ? 'yes' : 'NO'} |`);
  const uncached = throughput('single-session read', 'single-session read (uncached)');
  print(`| (uncached read, no goal) | ${fmt(uncached, 1)}× ops/s | - |`);
  print(`| first contact (no goal) | ${fmt(throughput('first contact'), 1)}× ops/s | - |`);
}

async function main(): Promise<void> {
  const url = withDatabaseName(SERVER, `drin_bench_${randomBytes(6).toString('hex')}`);
  const folder = await mkdtemp(path.join(tmpdir(), 'drin-bench-auth-'));
  await ensureDatabaseExists(url);
  const connectUrl = new URL(url);
  if (SYNCHRONOUS_COMMIT) connectUrl.searchParams.set('options', `-c synchronous_commit=${SYNCHRONOUS_COMMIT}`);
  const db = openConnections(connectUrl.toString(), 5);
  try {
    await applyMigrations(url);
    const settings = await db.pool.query<{ name: string; setting: string }>(
      "SELECT name, current_setting(name) AS setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'server_version')",
    );
    print(`postgres: ${settings.rows.map((r) => `${r.name}=${r.setting}`).join(', ')}; file store in ${folder}`);
    const store = await db.prisma.store.create({ data: { name: 'bench', apiKeyHash: randomBytes(16).toString('hex'), apiKeyLast4: 'abcd' } });

    const cache = new AuthKeyCache({ maxBytes: 64 * 1024 * 1024 });
    // Fenced as the engine does it: take the epoch, load with it; every write checks it.
    const ref = { storeId: store.id, slot: 4 };
    const fence = { epoch: await bumpOwnerEpoch(db.pool, ref) };
    const auth = await loadPostgresAuthState({ keyring, pool: db.pool, ...ref, cache, fence });
    const uncached = await loadPostgresAuthState({ keyring, pool: db.pool, ...ref, cache: false, fence });
    await runWorkloads('postgres', auth.state.keys, uncached.state.keys);
    await auth.flush();
    const stats = cache.stats();
    print(`postgres cache after the run: ${stats.entries} entries, ${(stats.bytes / 1024 / 1024).toFixed(1)} MiB (bound ${stats.maxBytes / 1024 / 1024} MiB)`);

    // The same writes with asynchronous commit: a pool whose sessions have synchronous_commit=off.
    const asyncUrl = new URL(url);
    asyncUrl.searchParams.set('options', '-c synchronous_commit=off');
    const asyncDb = openConnections(asyncUrl.toString(), 5);
    try {
      const asyncRef = { storeId: store.id, slot: 1 };
      const asyncFence = { epoch: await bumpOwnerEpoch(asyncDb.pool, asyncRef) };
      const asyncAuth = await loadPostgresAuthState({ keyring, pool: asyncDb.pool, ...asyncRef, cache: new AuthKeyCache({ maxBytes: 64 * 1024 * 1024 }), fence: asyncFence });
      await runWorkloads('postgres async', asyncAuth.state.keys);
    } finally {
      await asyncDb.close();
    }

    // The same, asynchronous per statement (asyncKeyCommit: set_config in the write's own transaction).
    const stmtRef = { storeId: store.id, slot: 3 };
    const stmtFence = { epoch: await bumpOwnerEpoch(db.pool, stmtRef) };
    const stmtAuth = await loadPostgresAuthState({ keyring, pool: db.pool, ...stmtRef, cache: new AuthKeyCache({ maxBytes: 64 * 1024 * 1024 }), fence: stmtFence, asyncKeyCommit: true });
    await runWorkloads('postgres async-stmt', stmtAuth.state.keys);

    // What the fence costs: single-session writes on slot 2 without it.
    const unfenced = await loadPostgresAuthState({ keyring, pool: db.pool, storeId: store.id, slot: 2, cache });
    for (let i = 0; i < WARMUP; i++) await unfenced.state.keys.set({ session: { [`warm${i}.0`]: sessionBlobs[i % 64]! } });
    await measure('single-session write', 'postgres unfenced', SESSION_WRITES, (i) =>
      unfenced.state.keys.set({ session: { [`${contactId(i % 100)}.0`]: sessionBlobs[i % 64]! } }) as Promise<void>,
    );
    // What sealing costs: seal and open one session value (BufferJSON text of a 3 KiB blob).
    const sessionText = JSON.stringify(sessionBlobs[0]);
    await measure('seal + open one 3 KiB session (CPU only)', 'aes-256-gcm', SESSION_WRITES, async (i) => {
      const aad = `auth_keys\u0000${store.id}\u00000\u0000session\u0000${i}`;
      decrypt(keyring, encrypt(keyring, sessionText, aad), aad);
    });

    const files = await useMultiFileAuthState(folder);
    await runWorkloads('file', files.state.keys);
    printReport();
  } finally {
    await db.close();
    await dropDatabase(url);
    await rm(folder, { recursive: true, force: true });
  }
}

await main();
