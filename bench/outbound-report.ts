// The outbound bench's figures: one row per round (a target sending a set of messages), and the
// ratios of ours to bare Baileys' by mode.
export type Mode = 'first' | 'one at a time' | 'burst';

/** One message of a round: when it was asked for, when the route answered 202 (ours), when its contact decrypted it. */
export interface Sample {
  askedAt: number;
  acceptedAt?: number;
  arrivedAt?: number;
}

export interface Row {
  target: string;
  mode: Mode;
  messages: number;
  /** 202s per second: first request → last 202 (ours only) */
  acceptedPerS: number;
  /** decrypted by their contacts per second: first request → last decrypt */
  decryptedPerS: number;
  p50: number;
  p99: number;
  max: number;
  /** request → 202 (ours only) */
  acceptP50: number;
  acceptP99: number;
  errors: number;
}

export function percentile(values: number[], p: number): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * (sorted.length - 1)))] ?? NaN;
}

export function summarize(target: string, mode: Mode, samples: Sample[], errors: number): Row {
  const done = samples.filter((s) => s.arrivedAt !== undefined);
  const first = Math.min(...samples.map((s) => s.askedAt));
  const perS = (times: number[]) => (times.length ? (times.length / (Math.max(...times) - first)) * 1000 : NaN);
  const latency = done.map((s) => s.arrivedAt! - s.askedAt);
  const accept = samples.filter((s) => s.acceptedAt !== undefined).map((s) => s.acceptedAt! - s.askedAt);
  return {
    target,
    mode,
    messages: done.length,
    acceptedPerS: perS(samples.flatMap((s) => (s.acceptedAt === undefined ? [] : [s.acceptedAt]))),
    decryptedPerS: perS(done.map((s) => s.arrivedAt!)),
    p50: percentile(latency, 0.5),
    p99: percentile(latency, 0.99),
    max: Math.max(...latency),
    acceptP50: percentile(accept, 0.5),
    acceptP99: percentile(accept, 0.99),
    errors,
  };
}

const f = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '–');
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

export function printRows(rows: Row[], print: (line: string) => void): void {
  print('| target | mode | messages | accepted/s | decrypted/s | request → decrypt p50 ms | p99 ms | max ms | request → 202 p50 ms | p99 ms | errors |');
  print('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    print(`| ${r.target} | ${r.mode} | ${r.messages} | ${f(r.acceptedPerS, 0)} | ${f(r.decryptedPerS, 0)} | ${f(r.p50)} | ${f(r.p99)} | ${f(r.max)} | ${f(r.acceptP50)} | ${f(r.acceptP99)} | ${r.errors} |`);
  }
}

/** Ours over bare, per mode, means over the rounds: above 1 is slower than bare Baileys. */
export function printRatios(rows: Row[], ours: string, bare: string, print: (line: string) => void): void {
  print('');
  print('| ours / bare (governor off) | request → decrypt p50 | p99 | time to the last decrypt |');
  print('|---|---:|---:|---:|');
  for (const mode of ['first', 'one at a time', 'burst'] as const) {
    const of = (target: string) => rows.filter((r) => r.target === target && r.mode === mode);
    const [a, b] = [of(ours), of(bare)];
    if (!a.length || !b.length) continue;
    const ratio = (pick: (r: Row) => number) => f(mean(a.map(pick)) / mean(b.map(pick)), 2);
    print(`| ${mode} | ${ratio((r) => r.p50)} | ${ratio((r) => r.p99)} | ${ratio((r) => r.messages / r.decryptedPerS)} |`);
  }
}
