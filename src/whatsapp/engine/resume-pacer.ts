// How a process reopens many slots at once (boot, or taking over a dead process's slots): never a
// thundering herd. Each slot's open calls its `turn` right before its socket dials WhatsApp, and
// turns are spaced at least 1 s / ratePerSec apart, so no second holds more than ratePerSec new
// connections (p-queue's own interval cap counts fixed windows, which lets twice the rate through
// across a window's edge); the lock, the checks and the auth load before it are not paced, so
// a slot another process holds costs no turn. At most `concurrency` opens are in flight; one that
// settles frees its place at once (no batch waits for its slowest member). WhatsApp sees a steady
// trickle from each process, and 300 slots are back in about 300 / rate seconds.
import PQueue from 'p-queue';

export interface ResumePacing {
  concurrency: number;
  ratePerSec: number;
  /** Boot only: one random wait before the first start, so processes booted together do not resume in step. */
  jitterMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until this open may dial; resolves with the instant (performance.now()) the turn was given. */
export type DialTurn = () => Promise<number>;

/** Runs `open` for every ref under the pacing; resolves when all have settled (failures are open's to handle). */
export async function paceResumes<T>(refs: readonly T[], pacing: ResumePacing, boot: boolean, open: (ref: T, turn: DialTurn) => Promise<void>): Promise<void> {
  if (refs.length === 0) return;
  if (boot && pacing.jitterMs > 0) await sleep(Math.random() * pacing.jitterMs);
  const gapMs = 1_000 / pacing.ratePerSec;
  // Turns pass one at a time, each at least gapMs after the one before.
  let gate = Promise.resolve();
  let lastStart = -Infinity;
  const waitTurn = async () => {
    const previous = gate;
    let pass!: () => void;
    gate = new Promise<void>((resolve) => (pass = resolve));
    await previous;
    for (let left = lastStart + gapMs - performance.now(); left > 0; left = lastStart + gapMs - performance.now()) await sleep(Math.ceil(left));
    lastStart = performance.now();
    pass();
    return lastStart;
  };
  const queue = new PQueue({ concurrency: pacing.concurrency });
  await queue.addAll(refs.map((ref) => () => open(ref, waitTurn)));
}
