// The scale-out benchmark's smoke run (a few slots, two processes), so it cannot rot: the slots
// are split between the processes, the survivor takes over every slot of the killed one, and no
// device is ever open twice. Speed is the benchmark's to report, not this test's to assert.
import { expect, it } from '@jest/globals';
import { expectFinished, runBench, tableRows } from './run-bench.js';

const WAIT = 300_000;

it('scale-out: two processes share the slots, the survivor takes over the killed one’s, none opened twice', async () => {
  const run = await runBench('scale-out', { BENCH_SLOTS: '6', BENCH_PROCESSES: '2', BENCH_LINK_PARALLEL: '2', BENCH_DEADLINE_MS: '120000' }, WAIT);
  expectFinished(run);
  const [round, ...more] = tableRows(run.stdout, 'processes');
  expect(more).toEqual([]);
  const sum = (cell: string) => cell.split(' / ').reduce((n, c) => n + Number(c), 0);
  expect(round).toMatchObject({ processes: '2', 'connected after': '6', 'double opens': '0' });
  expect(sum(round!['slots per process']!)).toBe(6);
  expect(round!['slots per survivor']).toBe('6');
  expect(Number(round!['killed process held'])).toBeGreaterThan(0);
  expect(run.stdout).toContain('double opens over the whole run (linking included): 0');
}, WAIT);
