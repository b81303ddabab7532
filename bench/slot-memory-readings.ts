// What bench/slot-memory.bench.ts and its bare child share: the IPC messages, and one way to read
// RSS both sides take alike — a full GC and a pause, again and again until two readings in a row
// are within half a megabyte (V8 and the allocator hand pages back lazily, seconds after a GC).
export type BareRequest = { type: 'grow'; to: number } | { type: 'rss' } | { type: 'stop' };
export type BareReply = { type: 'ready' } | { type: 'qr'; index: number; qr: string } | { type: 'grown'; count: number } | { type: 'rss'; mb: number };

const PAUSE_MS = 1_000;
const STEADY_MB = 0.5;
const MOST_ROUNDS = 30;

export async function settledRssMb(collectGarbage: () => Promise<void>, rssBytes: () => number): Promise<number> {
  let last = Infinity;
  for (let round = 0; round < MOST_ROUNDS; round++) {
    await collectGarbage();
    await new Promise((r) => setTimeout(r, PAUSE_MS));
    const mb = rssBytes() / (1024 * 1024);
    if (Math.abs(mb - last) < STEADY_MB) return mb;
    last = mb;
  }
  return last;
}
