// Run: npm run bench -- slot-memory
//   knobs: BENCH_STEPS=10,100,300 (connected slots at each reading) BENCH_TRAFFIC_MS=600000 BENCH_TRAFFIC_PARTS=2
//          BENCH_TRAFFIC_EVERY_MS=500 (one customer message per tick, round the slots; every fifth
//          answered through the send API) BENCH_LINK_PARALLEL=4 BENCH_TARGETS=daemon,bare
//          BENCH_HEAP_SNAPSHOT_DIR=/tmp/snaps (the daemon's heap at 0 slots, at the last step and after the traffic; a
//          snapshot itself leaves ~200 MB of malloc'd memory behind: take readings without it)
//          BENCH_SMAPS_DIR=/tmp/smaps (its /proc/<pid>/smaps at every reading: RSS outside the JS heap)
//          BENCH_DAEMON_<NAME>=v (NAME=v in the daemon's environment)
//
// Memory per connected slot (issue 15, item 3): the daemon as production runs it (`node
// dist/main.js`: built first, into a folder of its own) on a scratch database, slots linked through its HTTP API against
// the local WhatsApp simulator (in this process), with ecosystem.config.js's node flags and
// environment; then the reference in the same run: bare
// Baileys sockets (memory auth state, no handler) in one process of their own on the same
// simulator. Every reading is RSS after a forced full GC (the daemon's through the inspector
// protocol, the reference's through --expose-gc), so GC timing does not drown the figures. The
// daemon then carries light traffic for BENCH_TRAFFIC_MS, read after each of BENCH_TRAFFIC_PARTS
// parts (growth, and whether it stops). Not a test:
// figures go to BENCHMARKS.md.
import { execFileSync, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import PQueue from 'p-queue';
import { dropDatabase, ensureDatabaseExists, withDatabaseName } from '../src/db/database-admin.js';
import { daemonEnv } from '../test/support/daemon-env.js';
import { spawnDaemon } from '../test/support/daemon-process.js';
import { pollUntil } from '../test/wa-sim/deadline.js';
import { startSimulator, type FakeContact, type WhatsAppSimulator } from '../test/wa-sim/index.js';
import { connectInspector, type Inspector } from './inspector.js';
import { call, createStore, linkSlot, setSendPolicy, type BenchStore } from './store-api.js';
import { settledRssMb, type BareReply, type BareRequest } from './slot-memory-readings.js';
import { BENCH_SERVER as SERVER, benchedCommit, num } from './bench-env.js';

const STEPS = (process.env.BENCH_STEPS ?? '10,100,300').split(',').map(Number).filter((n) => n > 0);
const TRAFFIC_MS = num('BENCH_TRAFFIC_MS', 600_000);
// A reading after each part: growth that stops after the first part is each slot's first traffic
// warming up (its caches, the code it runs); growth in every part is a leak.
const TRAFFIC_PARTS = num('BENCH_TRAFFIC_PARTS', 2);
const TRAFFIC_EVERY_MS = num('BENCH_TRAFFIC_EVERY_MS', 500);
const LINK_PARALLEL = num('BENCH_LINK_PARALLEL', 4);
const TARGETS = (process.env.BENCH_TARGETS ?? 'daemon,bare').split(',');
const SNAPSHOT_DIR = process.env.BENCH_HEAP_SNAPSHOT_DIR;
const SMAPS_DIR = process.env.BENCH_SMAPS_DIR;
const ROOT = path.resolve(import.meta.dirname, '..');

interface Reading {
  slots: number;
  mb: number;
  /** the daemon's own process.memoryUsage() at the reading (MB): where the RSS is */
  usage?: { heapUsed: number; heapTotal: number; external: number };
}
interface LinkedSlot {
  store: BenchStore;
  slot: number;
  phone: string;
}

// As PM2 runs it: ecosystem.config.js's node flags and environment (bar NODE_ENV: the simulator
// needs the test setting).
const ecosystem = (await import(pathToFileURL(path.join(ROOT, 'ecosystem.config.js')).href)) as { apps: Array<{ node_args: string[]; env: Record<string, string> }> };
const productionApp = ecosystem.apps[0]!;
const { NODE_ENV: _, ...PRODUCTION_ENV } = productionApp.env;
/** BENCH_DAEMON_<NAME>=value sets NAME=value in the daemon's environment (config, or glibc's MALLOC_* for an experiment). */
const daemonOverrides = () => Object.fromEntries(Object.entries(process.env).flatMap(([k, v]) => (k.startsWith('BENCH_DAEMON_') && v !== undefined ? [[k.slice('BENCH_DAEMON_'.length), v]] : [])));
const print = (line: string) => process.stdout.write(`${line}\n`);
const rssBytes = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;

interface TrafficPart extends Reading {
  inbound: number;
  outbound: number;
  failed: number;
}

async function measureDaemon(sim: WhatsAppSimulator): Promise<{ readings: Reading[]; traffic: TrafficPart[] }> {
  const db = withDatabaseName(SERVER, `drin_bench_mem_${randomBytes(4).toString('hex')}`);
  await ensureDatabaseExists(db);
  const dataDir = await mkdtemp(path.join(tmpdir(), 'drin-bench-mem-'));
  const daemon = await spawnDaemon(daemonEnv(sim, { url: db }, dataDir, { LOG_LEVEL: 'info', ...PRODUCTION_ENV, ...daemonOverrides() }), 180_000, { built: BUILD_DIR, nodeArgs: [...productionApp.node_args, '--inspect=127.0.0.1:0'] });
  const pid = daemon.child.pid!;
  // The inspector is attached only for a reading (and a snapshot): the rest of the time the
  // daemon runs as production does.
  const withInspector = async <T>(use: (inspector: Inspector) => Promise<T>): Promise<T> => {
    const inspector = await connectInspector(daemon.output());
    try {
      return await use(inspector);
    } finally {
      inspector.close();
    }
  };
  const read = async (slots: number): Promise<Reading> => {
    const { mb, usage } = await withInspector(async (i) => {
      const settled = await settledRssMb(() => i.collectGarbage(), () => rssBytes(pid));
      const u = await i.memoryUsage();
      const inMb = (n: number) => n / (1024 * 1024);
      return { mb: settled, usage: { heapUsed: inMb(u.heapUsed), heapTotal: inMb(u.heapTotal), external: inMb(u.external) } };
    });
    if (SMAPS_DIR) await writeFile(path.join(SMAPS_DIR, `daemon-${slots}-slots.smaps`), readFileSync(`/proc/${pid}/smaps`));
    return { slots, mb, usage };
  };
  const snapshot = (name: string) => (SNAPSHOT_DIR ? withInspector((i) => i.heapSnapshot(path.join(SNAPSHOT_DIR, name))) : Promise.resolve());
  try {
    const readings = [await read(0)];
    await snapshot('daemon-0-slots.heapsnapshot');
    const linked: LinkedSlot[] = [];
    const top = Math.max(...STEPS);
    const stores: BenchStore[] = [];
    for (let i = 0; i < Math.ceil(top / 3); i++) {
      const store = await createStore(daemon.url, `memory bench ${i}`);
      // The traffic answers the same customer every few minutes: past the default 30 an hour.
      await setSendPolicy(daemon.url, store, { perContactPerHour: 1000 });
      stores.push(store);
    }
    const link = async (index: number) => {
      const store = stores[Math.floor(index / 3)]!;
      const slot = (index % 3) + 1;
      const phone = `55117${String(index).padStart(7, '0')}`;
      await linkSlot(daemon.url, sim, store, slot, phone);
      linked.push({ store, slot, phone });
    };
    const queue = new PQueue({ concurrency: LINK_PARALLEL });
    for (const step of STEPS) {
      const from = linked.length;
      await queue.addAll(Array.from({ length: step - from }, (_, i) => () => link(from + i)));
      readings.push(await read(step));
    }
    await snapshot(`daemon-${top}-slots.heapsnapshot`);
    if (TRAFFIC_MS <= 0) return { readings, traffic: [] };

    // Light traffic: one customer message per tick, round the slots; every fifth answered by the store.
    const contacts = new Map<string, FakeContact>();
    let tick = 0;
    const traffic: TrafficPart[] = [];
    for (let part = 0; part < TRAFFIC_PARTS; part++) {
      let inbound = 0;
      let outbound = 0;
      let failed = 0;
      const ends = Date.now() + TRAFFIC_MS / TRAFFIC_PARTS;
      const inFlight = new Set<Promise<void>>();
      for (; Date.now() < ends; tick++) {
        const at = tick;
        const s = linked[at % linked.length]!;
        const contact = contacts.get(s.phone) ?? sim.phone(s.phone).contact(undefined, { pushName: `Customer of ${s.phone}` });
        contacts.set(s.phone, contact);
        const work = (async () => {
          await contact.sendText(`order ${at}`);
          inbound++;
          if (at % 5 === 0) {
            await call(daemon.url, 'POST', `/api/whatsapp/${s.store.storeId}/messages`, s.store.apiKey, { type: 'text', to: contact.pnJid, slot: s.slot, text: `got order ${at}`, options: { typing: false } });
            outbound++;
          }
        })().catch((err: unknown) => {
          if (failed++ === 0) process.stderr.write(`first traffic failure: ${String(err)}\n`);
        });
        inFlight.add(work);
        void work.finally(() => inFlight.delete(work));
        await new Promise((r) => setTimeout(r, TRAFFIC_EVERY_MS));
      }
      await Promise.all(inFlight);
      traffic.push({ ...(await read(top)), inbound, outbound, failed });
    }
    await snapshot(`daemon-${top}-slots-after-traffic.heapsnapshot`);
    return { readings, traffic };
  } finally {
    await daemon.stop('SIGTERM');
    await dropDatabase(db);
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function measureBare(sim: WhatsAppSimulator): Promise<Reading[]> {
  const child = fork(path.join(ROOT, 'bench', 'slot-memory-bare.child.ts'), [sim.url, sim.rootPublicKey.toString('base64')], {
    cwd: ROOT,
    execArgv: ['--experimental-wasm-modules', '--disable-warning=ExperimentalWarning', '--expose-gc', '--import', 'tsx'],
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const replies: BareReply[] = [];
  let exited: number | null | undefined;
  child.on('exit', (code) => (exited = code));
  child.on('message', (m: BareReply) => {
    if (m.type === 'qr') void sim.scanQr(m.qr, { phone: `55217${String(m.index).padStart(7, '0')}` });
    else replies.push(m);
  });
  const ask = async <T extends BareReply['type']>(request: BareRequest | undefined, type: T): Promise<Extract<BareReply, { type: T }>> => {
    if (request) child.send(request);
    return pollUntil(() => {
      if (exited !== undefined) return new Error(`the bare child exited with ${exited}`);
      const i = replies.findIndex((r) => r.type === type);
      return i < 0 ? undefined : (replies.splice(i, 1)[0] as Extract<BareReply, { type: T }>);
    }, `the bare child's ${type}`, { timeoutMs: 1_800_000 }).then((r) => {
      if (r instanceof Error) throw r;
      return r;
    });
  };
  try {
    await ask(undefined, 'ready');
    const readings = [{ slots: 0, mb: (await ask({ type: 'rss' }, 'rss')).mb }];
    for (const step of STEPS) {
      await ask({ type: 'grow', to: step }, 'grown');
      readings.push({ slots: step, mb: (await ask({ type: 'rss' }, 'rss')).mb });
    }
    return readings;
  } finally {
    if (exited === undefined) child.send({ type: 'stop' } satisfies BareRequest);
  }
}

// A build of its own (what `npm run build` makes, in a folder beside dist/ so the paths the
// code resolves from its own location still hold), so a test run building dist/ meanwhile
// cannot hand it half-written files.
const builtFrom = benchedCommit();
const BUILD_DIR = path.join(ROOT, `.bench-dist-${process.pid}`);
execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', BUILD_DIR], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
for (const dir of [SNAPSHOT_DIR, SMAPS_DIR]) if (dir) await mkdir(dir, { recursive: true });
const sim = await startSimulator();
try {
  const started = loadavg()[0]!.toFixed(2);
  const daemon = TARGETS.includes('daemon') ? await measureDaemon(sim) : undefined;
  const bare = TARGETS.includes('bare') ? await measureBare(sim) : undefined;
  print(`commit ${builtFrom} (built at the start); node ${process.version}; nproc ${cpus().length}; load ${started} at start, ${loadavg()[0]!.toFixed(2)} at end; RSS after forced full GCs 1 s apart until two readings in a row agree within 0.5 MB`);
  print('');
  print('| connected slots | daemon RSS MB | bare Baileys RSS MB | daemon − bare MB |');
  print('|---:|---:|---:|---:|');
  const fmt = (n: number | undefined) => (n === undefined ? '–' : n.toFixed(1));
  for (const [i, slots] of [0, ...STEPS].entries()) {
    const d = daemon?.readings[i]?.mb;
    const b = bare?.[i]?.mb;
    print(`| ${slots} | ${fmt(d)} | ${fmt(b)} | ${d !== undefined && b !== undefined ? fmt(d - b) : '–'} |`);
  }
  print('');
  print('| slots added | daemon MB per slot | bare MB per slot | daemon − bare per slot |');
  print('|---|---:|---:|---:|');
  const perSlot = (rs: Reading[] | undefined, i: number) => (rs?.[i] && rs[i + 1] ? (rs[i + 1]!.mb - rs[i]!.mb) / (rs[i + 1]!.slots - rs[i]!.slots) : undefined);
  for (let i = 0; i < STEPS.length; i++) {
    const d = perSlot(daemon?.readings, i);
    const b = perSlot(bare, i);
    print(`| ${[0, ...STEPS][i]} → ${STEPS[i]} | ${d?.toFixed(2) ?? '–'} | ${b?.toFixed(2) ?? '–'} | ${d !== undefined && b !== undefined ? (d - b).toFixed(2) : '–'} |`);
  }
  if (daemon) {
    print('');
    print('| daemon at | RSS MB | V8 heap used | V8 heap committed | external (buffers) | the rest: code, stacks, malloc |');
    print('|---|---:|---:|---:|---:|---:|');
    const rows: Array<[string, Reading]> = [...daemon.readings.map((r): [string, Reading] => [`${r.slots} slots`, r]), ...daemon.traffic.map((r, i): [string, Reading] => [`${r.slots} slots, after traffic part ${i + 1}`, r])];
    for (const [label, r] of rows) {
      const u = r.usage!;
      print(`| ${label} | ${r.mb.toFixed(1)} | ${u.heapUsed.toFixed(1)} | ${u.heapTotal.toFixed(1)} | ${u.external.toFixed(1)} | ${(r.mb - u.heapTotal - u.external).toFixed(1)} |`);
    }
  }
  if (daemon?.traffic.length) {
    print('');
    print('| traffic | messages in | sends out | failed | daemon RSS MB before | after | growth MB |');
    print('|---|---:|---:|---:|---:|---:|---:|');
    const partS = TRAFFIC_MS / TRAFFIC_PARTS / 1000;
    let before = daemon.readings[daemon.readings.length - 1]!;
    for (const [i, part] of daemon.traffic.entries()) {
      print(`| part ${i + 1}: ${partS} s on ${part.slots} slots | ${part.inbound} | ${part.outbound} | ${part.failed} | ${before.mb.toFixed(1)} | ${part.mb.toFixed(1)} | ${(part.mb - before.mb).toFixed(1)} |`);
      before = part;
    }
  }
} finally {
  await sim.close();
  await rm(BUILD_DIR, { recursive: true, force: true });
}
