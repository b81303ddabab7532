// The inbound-pipeline bench's tables: every round, then the medians per target and the goals.

export interface RoundResult {
  target: string;
  /** first: each contact's first message (pkmsg); burst: all at once; paced: `offered` per second. */
  mode: 'first' | 'burst' | 'paced';
  offered: number | undefined;
  count: number;
  /** first messages.upsert → last commit (daemon) / last upsert (bare) */
  rate: number;
  /** first stanza pushed by the simulator → last commit / upsert */
  wallRate: number;
  /** messages.upsert emitted → committed (bare: 0 by definition) */
  emitP50: number;
  emitP99: number;
  emitMax: number;
  /** pushed by the simulator → committed / upserted */
  pushP50: number;
  pushP99: number;
  childCpuPerMsg: number;
  simCpuPerMsg: number;
  /** the local Postgres server's CPU over the round, per message (NaN: not measurable) */
  pgCpuPerMsg: number;
  load: number;
}

const f = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '–');
const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2) : NaN;
};

export function printResults(
  results: RoundResult[],
  check: { expectedRows: number; rows: number; distinctIds: number; print: (line: string) => void },
): void {
  const { print } = check;
  print('\n| # | target | round | msgs | msg/s (emit→last) | msg/s (push→last) | emit→commit p50 / p99 / max ms | push→done p50 / p99 ms | child CPU ms/msg | sim CPU ms/msg | Postgres CPU ms/msg | load |');
  print('|---:|---|---|---:|---:|---:|---|---|---:|---:|---:|---:|');
  results.forEach((r, i) => {
    const round = r.mode === 'paced' ? `paced ${r.offered}/s` : r.mode;
    const emit = r.target === 'daemon' ? `${f(r.emitP50)} / ${f(r.emitP99)} / ${f(r.emitMax)}` : '(no-op)';
    print(
      `| ${i + 1} | ${r.target} | ${round} | ${r.count} | ${f(r.rate, 0)} | ${f(r.wallRate, 0)} | ${emit} | ${f(r.pushP50)} / ${f(r.pushP99)} | ${f(r.childCpuPerMsg, 2)} | ${f(r.simCpuPerMsg, 2)} | ${f(r.pgCpuPerMsg, 2)} | ${f(r.load)} |`,
    );
  });

  const targets = [...new Set(results.map((r) => r.target))];
  const burst = (t: string) => results.filter((r) => r.target === t && r.mode === 'burst');
  const rate = (t: string) => median(burst(t).map((r) => r.rate));
  print('\n| target | burst msg/s (median, emit→last) | burst msg/s (median, push→last) | ratio to bare-memory | ratio to bare-file |');
  print('|---|---:|---:|---:|---:|');
  for (const t of targets) {
    print(`| ${t} | ${f(rate(t), 0)} | ${f(median(burst(t).map((r) => r.wallRate)), 0)} | ${f(rate(t) / rate('bare-memory'), 2)} | ${f(rate(t) / rate('bare-file'), 2)} |`);
  }

  const daemon = rate('daemon');
  const paced = results.filter((r) => r.target === 'daemon' && r.mode === 'paced');
  print('\n| goal | measured | met |');
  print('|---|---|---|');
  print(`| ≥ 1,000 msg/s per process | ${f(daemon, 0)} msg/s (median burst) | ${daemon >= 1000 ? 'yes' : 'NO'} |`);
  for (const bare of ['bare-memory', 'bare-file'].filter((t) => targets.includes(t))) {
    const ratio = daemon / rate(bare);
    print(`| ≥ 0.8 of bare (${bare}) | ${f(ratio, 2)} | ${ratio >= 0.8 ? 'yes' : 'NO'} |`);
  }
  for (const r of paced) {
    print(`| committed within 50 ms of the upsert, at ${r.offered} msg/s offered | p99 ${f(r.emitP99)} ms, max ${f(r.emitMax)} ms | ${r.emitP99 <= 50 ? (r.emitMax <= 50 ? 'yes' : 'p99 yes, max no') : 'NO'} |`);
  }
  const ok = check.rows === check.expectedRows && check.distinctIds === check.rows;
  print(`\nrows: ${check.rows} inbound rows for ${check.expectedRows} messages sent to the daemon, ${check.distinctIds} distinct ids: ${ok ? 'all stored once' : 'MISMATCH'}`);
}
