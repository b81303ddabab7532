// The boot-resume benchmark's smoke run (a few slots), so it cannot rot: it links, restarts the
// daemon, and every slot is open again, with no device ever open twice. Speed is the benchmark's
// to report, not this test's to assert.
import { expect, it } from '@jest/globals';
import { expectFinished, runBench, tableRows } from './run-bench.js';

const WAIT = 300_000;

it('boot-resume: every slot comes back after the restart, none opened twice', async () => {
  const run = await runBench('boot-resume', { BENCH_SLOTS: '4', BENCH_LINK_PARALLEL: '2', BENCH_DEADLINE_MS: '120000' }, WAIT);
  expectFinished(run);
  const value = Object.fromEntries(tableRows(run.stdout, 'measure').map((r) => [r.measure, r.value]));
  expect(value).toMatchObject({ slots: '4', 'double opens': '0', 'connected after (GET sessions)': '4' });
  for (const measure of ['configured pacing', 'spawn → all open (s)', 'peak logins in any 1 s', 'configured rate (dials/s)']) expect(value[measure]).toMatch(/\S/);
  expect(Number(value['peak logins in any 1 s'])).toBeGreaterThanOrEqual(1);
  expect(Number(value['peak connections accepted in any 1 s (the dials)'])).toBeGreaterThanOrEqual(1);
  // The stop of a daemon holding slots is graceful: within its deadline, exit 0.
  expect(value['graceful stop (s, exit code)']).toMatch(/\(0\)$/);
}, WAIT);
