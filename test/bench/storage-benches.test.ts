// Smoke runs of the benchmarks that need only Postgres (small N), so they cannot rot: each runs to
// the end and prints its table with every workload measured. Speed is theirs to report, not
// this test's to assert.
import { expect, it } from '@jest/globals';
import { expectFinished, runBench, tableRows } from './run-bench.js';

const WAIT = 240_000;

it('auth-store: every workload measured on every store', async () => {
  const run = await runBench('auth-store', { BENCH_SCALE: '0.02' }, WAIT);
  expectFinished(run);
  const rows = tableRows(run.stdout, 'workload');
  const stores = new Set(rows.map((r) => r.store));
  expect([...stores].sort()).toEqual(['aes-256-gcm', 'file', 'postgres', 'postgres async', 'postgres async-stmt', 'postgres unfenced']);
  for (const r of rows) expect([r.workload, Number(r.ops) > 0, Number(r['ops/s']) > 0]).toEqual([r.workload, true, true]);
  expect(tableRows(run.stdout, 'goal').length).toBeGreaterThan(3);
}, WAIT);

it('inbound-storage: every variant stores every message', async () => {
  const run = await runBench('inbound-storage', { BENCH_SLOTS: '2', BENCH_CONTACTS: '3', BENCH_PER_SLOT: '10' }, WAIT);
  expectFinished(run);
  const rows = tableRows(run.stdout, 'variant');
  expect(new Set(rows.map((r) => r.variant)).size).toBeGreaterThanOrEqual(4);
  for (const r of rows) expect([r.variant, Number(r.messages), Number(r['msg/s']) > 0]).toEqual([r.variant, 10 * Number(r['slots at once']), true]);
}, WAIT);

it('crm-reads: every route answers rows on a small seeded store', async () => {
  const run = await runBench('crm-reads', { BENCH_CONTACTS: '200', BENCH_MESSAGES: '1000', BENCH_REQUESTS: '3' }, WAIT);
  expectFinished(run);
  const rows = tableRows(run.stdout, 'route');
  expect(rows).toHaveLength(10);
  // Only the search meant to match nothing answers no rows.
  expect(rows.filter((r) => r['rows answered'] === '0').map((r) => r.route)).toEqual(['contacts, search "zzz" (no match: every contact read)']);
  // Each route's statements are printed with their plans.
  expect(run.stdout).toContain('#### inbox, first page');
  expect(run.stdout).toMatch(/Index (Only )?Scan/);
}, WAIT);
