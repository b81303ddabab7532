// The pacing of a mass reopen: never more than the rate of dials in any second, never more than
// the concurrency in flight, everyone opened once, and a slot that does not dial costs no turn.
// The opens here are plain promises the test settles itself, and the dial instants are the ones
// the pacer gave (what an open stamps after its turn comes back may lag on a busy machine), so it
// holds on a busy machine: a slow machine only spreads the dials further apart.
import { expect, it } from '@jest/globals';
import { paceResumes } from '../../../src/whatsapp/engine/resume-pacer.js';

it('spaces the starts to the rate and bounds the handshakes in flight', async () => {
  const refs = Array.from({ length: 24 }, (_, i) => i);
  const starts: number[] = [];
  const opened: number[] = [];
  let inFlight = 0;
  let mostInFlight = 0;
  await paceResumes(refs, { concurrency: 3, ratePerSec: 10, jitterMs: 0 }, true, async (ref, turn) => {
    // Every fifth is held by another process: it never dials, and so takes no turn.
    if (ref % 5 === 1) return void opened.push(ref);
    starts.push(await turn());
    inFlight++;
    mostInFlight = Math.max(mostInFlight, inFlight);
    // Every fourth handshake is slow: the others must go on past it.
    await new Promise((r) => setTimeout(r, ref % 4 === 0 ? 450 : 5));
    inFlight--;
    opened.push(ref);
  });

  expect([...opened].sort((a, b) => a - b)).toEqual(refs);
  expect(starts).toHaveLength(refs.filter((r) => r % 5 !== 1).length);
  expect(mostInFlight).toBeLessThanOrEqual(3);
  // Any window of one second holds at most 10 starts.
  const busiest = Math.max(...starts.map((t) => starts.filter((s) => s >= t && s < t + 1000).length));
  expect(busiest).toBeLessThanOrEqual(10);
  expect(busiest).toBeGreaterThan(1);
});

it('opens nothing and waits for nothing when there is nothing to reopen', async () => {
  let calls = 0;
  await paceResumes([], { concurrency: 1, ratePerSec: 1, jitterMs: 600_000 }, true, async () => void calls++);
  expect(calls).toBe(0);
});
