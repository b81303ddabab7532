// Smoke runs of the benchmarks that drive the daemon with the WhatsApp simulator (small N), so
// they cannot rot: each runs to the end, prints its tables, and loses nothing on the way. Speed is
// theirs to report, not this test's to assert.
import { expect, it } from '@jest/globals';
import { expectFinished, runBench, tableRows } from './run-bench.js';

const WAIT = 300_000;

it('inbound-pipeline: the daemon and bare Baileys each take every message, all stored once', async () => {
  const run = await runBench('inbound-pipeline', { BENCH_SLOTS: '1', BENCH_CONTACTS: '2', BENCH_PER_CONTACT: '3', BENCH_PACED_RATES: '20', BENCH_TARGETS: 'daemon,bare-memory' }, WAIT);
  expectFinished(run);
  const rounds = tableRows(run.stdout, '#');
  expect(new Set(rounds.map((r) => `${r.target} ${r.round!.split(' ')[0]}`))).toEqual(new Set(['daemon first', 'daemon burst', 'daemon paced', 'bare-memory first', 'bare-memory burst', 'bare-memory paced']));
  expect(tableRows(run.stdout, 'target').map((r) => r.target)).toEqual(['daemon', 'bare-memory']);
  expect(run.stdout).toMatch(/rows: (\d+) inbound rows for \1 messages sent to the daemon, \1 distinct ids: all stored once/);
  // Every message wrote its webhook outbox row, and the receiver got each.
  expect(run.stdout).toMatch(/outbox: (\d+) message.received deliveries for \1 inbound rows, .* (\1) reached the receiver by the end/);
}, WAIT);

it('bot-latency: every message reaches the stub model, each stage timed', async () => {
  const run = await runBench('bot-latency', { BENCH_SLOTS: '1', BENCH_CONTACTS: '3', BENCH_PER_CONTACT: '2', BENCH_PARALLEL: '1', BENCH_WARMUP: '2', BENCH_REFERENCE_CALLS: '10' }, WAIT);
  expectFinished(run);
  const rounds = tableRows(run.stdout, 'round');
  expect(rounds.find((r) => r.round === '1 at a time, all')?.messages).toBe('6');
  expect(tableRows(run.stdout, 'stage').length).toBeGreaterThanOrEqual(5);
  expect(tableRows(run.stdout, 'reference (same run, nothing else running)').length).toBeGreaterThanOrEqual(2);
  expect(run.stdout).toContain('0 messages without a request');
}, WAIT);

it('webhooks: live, reference and outage phases deliver every event, every signature good', async () => {
  const run = await runBench('webhooks', { BENCH_EVENTS: '40', BENCH_MESSAGES: '5', BENCH_OUTAGE_EVENTS: '40', BENCH_STORES: '2' }, WAIT);
  expectFinished(run);
  const phases = tableRows(run.stdout, 'phase (2 stores at once)');
  expect(phases.map((r) => r.events)).toEqual(['40', '40', '40', '40']);
  expect(tableRows(run.stdout, "a contact's text → the receiver's message.received (simulator send → 2xx)")[0]?.n).toBe('5');
  expect(run.stdout).toContain('signature failures at the receiver: 0');
}, WAIT);
