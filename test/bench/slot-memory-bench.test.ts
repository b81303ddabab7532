// Smoke run of the memory benchmark (two slots, a few seconds of traffic), so it cannot rot: the
// build, the daemon as PM2 runs it, the forced-GC readings through the inspector, the bare
// reference and the traffic all run to the end. The figures are the benchmark's to report.
import { expect, it } from '@jest/globals';
import { expectFinished, runBench, tableRows } from './run-bench.js';

const WAIT = 400_000;

it('reads the daemon and bare Baileys at each step, then after traffic that all got through', async () => {
  const run = await runBench('slot-memory', { BENCH_STEPS: '1,2', BENCH_TRAFFIC_MS: '3000', BENCH_TRAFFIC_PARTS: '1', BENCH_TRAFFIC_EVERY_MS: '300', BENCH_LINK_PARALLEL: '2' }, WAIT);
  expectFinished(run);
  const readings = tableRows(run.stdout, 'connected slots');
  expect(readings.map((r) => r['connected slots'])).toEqual(['0', '1', '2']);
  for (const r of readings) {
    expect(Number(r['daemon RSS MB'])).toBeGreaterThan(20);
    expect(Number(r['bare Baileys RSS MB'])).toBeGreaterThan(20);
  }
  expect(tableRows(run.stdout, 'slots added').map((r) => r['slots added'])).toEqual(['0 → 1', '1 → 2']);
  expect(tableRows(run.stdout, 'daemon at').map((r) => r['daemon at'])).toEqual(['0 slots', '1 slots', '2 slots', '2 slots, after traffic part 1']);
  const [traffic] = tableRows(run.stdout, 'traffic');
  expect(Number(traffic?.['messages in'])).toBeGreaterThan(0);
  expect(Number(traffic?.['sends out'])).toBeGreaterThan(0);
  expect(traffic?.failed).toBe('0');
}, WAIT);
