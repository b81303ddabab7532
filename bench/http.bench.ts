// Run: npm run bench -- http   (BENCH_DURATION_S, BENCH_CONNECTIONS, BENCH_ROUNDS, BENCH_POST_CONTACTS,
// BENCH_ROUTES=get,post,evolution to change)
//
// Requests/s and latency through the whole app of GET /api/whatsapp/:storeId/sessions and of
// POST /api/whatsapp/:storeId/messages (a text from a slot linked to the local WhatsApp
// simulator; the 202s, as sends queue behind the send governor), each beside a bare node:http
// server answering the same bytes, and Evolution's sendText beside Drin's own send route, in turn in one run (issue 15, item 5; goal ≥ 5,000 req/s and
// p99 ≤ 20 ms). A scratch database on the local Postgres (BENCH_DATABASE_URL), migrated here and
// dropped at the end. Not a test: figures go to BENCHMARKS.md.
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { dropDatabase, ensureDatabaseExists, withDatabaseName } from '../src/db/database-admin.js';
import { applyMigrations } from '../src/db/migrator.js';
import { PAIRS, runHttpBench, type HttpBenchRoute } from './http-load.js';
import { BENCH_SERVER as SERVER, benchedCommit, num } from './bench-env.js';

const db = withDatabaseName(SERVER, `drin_bench_http_${randomBytes(4).toString('hex')}`);
const commit = benchedCommit();

await ensureDatabaseExists(db);
try {
  await applyMigrations(db);
  const results = await runHttpBench({
    databaseUrl: db,
    connections: num('BENCH_CONNECTIONS', 10),
    durationS: num('BENCH_DURATION_S', 10),
    rounds: num('BENCH_ROUNDS', 2),
    postContacts: num('BENCH_POST_CONTACTS', 200), // × perContactPerHour 1000: the POSTs an hour before 429s
    routes: (process.env.BENCH_ROUTES ?? 'get,post,evolution').split(',').filter((r): r is HttpBenchRoute => ['get', 'post', 'evolution'].includes(r)),
  });
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(`commit ${commit}; node ${process.version}; nproc ${cpus().length}; load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  out('');
  out('| target | requests | req/s | p50 ms | p99 ms | non-2xx | errors |');
  out('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of results) out(`| ${r.name} | ${r.requests} | ${Math.round(r.requestsPerSecond)} | ${r.p50Ms} | ${r.p99Ms} | ${r.non2xx} | ${r.errors} |`);
  const mean = (name: string) => {
    const rs = results.filter((r) => r.name === name);
    return rs.reduce((n, r) => n + r.requestsPerSecond, 0) / rs.length;
  };
  out('');
  for (const { reference, route } of PAIRS.filter((p) => results.some((r) => r.name === p.route))) out(`ratio ours / reference, ${route}: ${(mean(route) / mean(reference)).toFixed(2)}`);
} finally {
  await dropDatabase(db);
}
// Done: Baileys (the POST route's slot ran in this process) leaves timers behind that would keep
// the process up half a minute more (a pre-key upload's 30 s race, queries waiting out timeouts).
process.exit(0);
