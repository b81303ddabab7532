// Run: npm run bench -- http   (BENCH_DURATION_S, BENCH_CONNECTIONS, BENCH_ROUNDS to change)
//
// Requests/s and latency of GET /api/whatsapp/:storeId/sessions through the whole app, beside a
// bare node:http server answering the same bytes, in turn in one run (issue 15, item 5; goal
// ≥ 5,000 req/s and p99 ≤ 20 ms). A scratch database on the local Postgres (BENCH_DATABASE_URL),
// migrated here and dropped at the end. Not a test: figures go to BENCHMARKS.md.
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { execFileSync } from 'node:child_process';
import { dropDatabase, ensureDatabaseExists, withDatabaseName } from '../src/db/database-admin.js';
import { applyMigrations } from '../src/db/migrator.js';
import { runHttpBench } from './http-load.js';

const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const SERVER = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const db = withDatabaseName(SERVER, `drin_bench_http_${randomBytes(4).toString('hex')}`);
const commit = (() => {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
})();

await ensureDatabaseExists(db);
try {
  await applyMigrations(db);
  const results = await runHttpBench({ databaseUrl: db, connections: num('BENCH_CONNECTIONS', 10), durationS: num('BENCH_DURATION_S', 10), rounds: num('BENCH_ROUNDS', 2) });
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(`commit ${commit}; node ${process.version}; nproc ${cpus().length}; load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  out('');
  out('| target | requests | req/s | p50 ms | p99 ms | non-2xx | errors |');
  out('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of results) out(`| ${r.name} | ${r.requests} | ${Math.round(r.requestsPerSecond)} | ${r.p50Ms} | ${r.p99Ms} | ${r.non2xx} | ${r.errors} |`);
  const ours = results.filter((r) => r.name.startsWith('GET'));
  const refs = results.filter((r) => r.name.startsWith('reference'));
  const mean = (rs: typeof results) => rs.reduce((n, r) => n + r.requestsPerSecond, 0) / rs.length;
  out('');
  out(`ratio ours / reference: ${(mean(ours) / mean(refs)).toFixed(2)}`);
} finally {
  await dropDatabase(db);
}
