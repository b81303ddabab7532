// The outbound benchmark's smoke run (tiny figures), so it cannot rot: it links its targets, every
// round's messages reach their contacts, and its table has every row with nothing refused. Speed
// is the benchmark's to report, not this test's to assert.
import { expect, it } from '@jest/globals';
import { expectFinished, runBench, tableRows } from './run-bench.js';

it('sends through the route (governor off and on) and through bare Baileys, every message decrypted by its contact', async () => {
  const env = { BENCH_SLOTS: '1', BENCH_CONTACTS: '2', BENCH_ONE_BY_ONE: '3', BENCH_BURST: '6', BENCH_ROUNDS: '1', BENCH_CONCURRENCY: '2', BENCH_GOVERNED_PER_SLOT: '1' };
  const run = await runBench('outbound', env, 280_000);
  expectFinished(run);
  const rows = tableRows(run.stdout, 'target').map((r) => ({ target: r.target, mode: r.mode, messages: Number(r.messages), errors: Number(r.errors) }));
  const ours = 'POST …/messages, governor off';
  const bare = 'reference: bare Baileys sock.sendMessage';
  expect(rows).toEqual([
    { target: bare, mode: 'first', messages: 2, errors: 0 },
    { target: ours, mode: 'first', messages: 2, errors: 0 },
    { target: bare, mode: 'one at a time', messages: 3, errors: 0 },
    { target: ours, mode: 'one at a time', messages: 3, errors: 0 },
    { target: ours, mode: 'burst', messages: 6, errors: 0 },
    { target: bare, mode: 'burst', messages: 6, errors: 0 },
    { target: 'POST …/messages, governor on (defaults)', mode: 'burst', messages: 1, errors: 0 },
  ]);
  expect(run.stdout).toMatch(/^\| one at a time \| \d+\.\d+ \| \d+\.\d+ \| \d+\.\d+ \|$/m);
}, 300_000);
