// Memory per connected slot: a daemon process (built from source with tsx) against the local
// WhatsApp simulator in this process; RSS read from /proc at 0, 10 and 30 connected slots, and
// again after an idle minute (growth check). Not a test: figures go to BENCHMARKS.md.
//   node --experimental-wasm-modules --disable-warning=ExperimentalWarning --import tsx bench/slot-memory.bench.ts
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { dropDatabase, ensureDatabaseExists, withDatabaseName } from '../src/db/database-admin.js';
import { ADMIN_KEY, daemonEnv } from '../test/support/daemon-env.js';
import { spawnDaemon } from '../test/support/daemon-process.js';
import { jsonRequest } from '../test/support/json-request.js';
import { startSimulator } from '../test/wa-sim/index.js';

const SERVER = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const STEPS = [10, 30];
const IDLE_MS = Number(process.env.BENCH_IDLE_MS ?? 60_000);

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'))!;
  return Number(line.replace(/\D/g, '')) / 1024;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sim = await startSimulator();
const db = withDatabaseName(SERVER, `drin_bench_mem_${randomBytes(4).toString('hex')}`);
await ensureDatabaseExists(db);
const dataDir = await mkdtemp(path.join(tmpdir(), 'drin-bench-mem-'));
const daemon = await spawnDaemon(daemonEnv(sim, { url: db }, dataDir, { LOG_LEVEL: 'info', SLOT_RESUME_CONCURRENCY: '8' }));
const pid = daemon.child.pid!;
const call = async (method: string, p: string, key: string, body?: unknown) => (await jsonRequest(daemon.url, method, p, { key, body })).body;

try {
  await sleep(3_000);
  const rows: Array<{ slots: number; rss: number }> = [{ slots: 0, rss: rssMb(pid) }];
  let linked = 0;
  for (const target of STEPS) {
    while (linked < target) {
      const store = await call('POST', '/api/admin/stores', ADMIN_KEY, { name: `bench ${linked}` });
      for (let slot = 1; slot <= 3 && linked < target; slot++, linked++) {
        await call('POST', `/api/whatsapp/${store.storeId}/${slot}/start`, store.apiKey);
        const qr = await call('GET', `/api/whatsapp/${store.storeId}/${slot}/qr`, store.apiKey);
        const phone = `5511${String(7_000_0000 + linked)}`;
        await sim.scanQr(qr.qr, { phone });
        for (let i = 0; i < 100 && (await call('GET', `/api/whatsapp/${store.storeId}/${slot}/status`, store.apiKey)).status !== 'connected'; i++) await sleep(100);
      }
    }
    await sleep(5_000);
    rows.push({ slots: target, rss: rssMb(pid) });
  }
  await sleep(IDLE_MS);
  const idle = rssMb(pid);
  const [zero, mid, top] = rows as [typeof rows[0], typeof rows[0], typeof rows[0]];
  process.stdout.write(`node ${process.version}, simulator in the bench process, daemon pid ${pid}\n\n| connected slots | daemon RSS (MB) |\n|---:|---:|\n`);
  for (const r of rows) process.stdout.write(`| ${r.slots} | ${r.rss.toFixed(1)} |\n`);
  process.stdout.write(`| ${top.slots} after ${IDLE_MS / 1000} s idle | ${idle.toFixed(1)} |\n\n`);
  process.stdout.write(`per slot, 0→${mid.slots}: ${((mid.rss - zero.rss) / mid.slots).toFixed(2)} MB; ${mid.slots}→${top.slots}: ${((top.rss - mid.rss) / (top.slots - mid.slots)).toFixed(2)} MB\n`);
} finally {
  await daemon.stop('SIGTERM');
  await sim.close();
  await dropDatabase(db);
  await rm(dataDir, { recursive: true, force: true });
}
