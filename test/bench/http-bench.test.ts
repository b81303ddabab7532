// The HTTP benchmark's smoke run (small N), so it cannot rot: run as `npm run bench -- http` would
// (its own process: the POST route needs a slot linked to the simulator, and Baileys is best kept
// out of jest's sandbox), it runs every reference and route through autocannon, and every request
// is answered 2xx. Speed is the benchmark's to report, not this test's to assert.
import { expect, it } from '@jest/globals';
import { PAIRS } from '../../bench/http-load.js';
import { expectFinished, runBench, tableRows } from './run-bench.js';

it('runs each reference and route, GET sessions, POST messages and Evolution\'s sendText, every request answered 2xx', async () => {
  const run = await runBench('http', { BENCH_DURATION_S: '1', BENCH_CONNECTIONS: '2', BENCH_ROUNDS: '1', BENCH_POST_CONTACTS: '5' }, 280_000);
  expectFinished(run);
  const rows = tableRows(run.stdout, 'target');
  expect(rows.map((r) => r.target)).toEqual(PAIRS.flatMap((p) => [p.reference, p.route]));
  for (const r of rows) {
    expect(Number(r.requests)).toBeGreaterThan(0);
    expect([r.target, r['non-2xx'], r.errors]).toEqual([r.target, '0', '0']);
  }
}, 300_000);
