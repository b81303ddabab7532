import { describe, expect, it } from '@jest/globals';
import { QueueDrainer } from './queue-drainer.js';

/** A queue of `rows` numbered rows; each claimed row is handled when the test releases it. */
function heldQueue(rows: number) {
  const due = Array.from({ length: rows }, (_, i) => i);
  const handled: number[] = [];
  const releases: Array<() => void> = [];
  let inHand = 0;
  let most = 0;
  let onIdle: (() => void) | undefined;
  const step = async (claimed: () => void) => {
    const row = due.shift();
    if (row === undefined) return false;
    claimed();
    most = Math.max(most, ++inHand);
    await new Promise<void>((resolve) => releases.push(resolve));
    inHand--;
    handled.push(row);
    if (!due.length && !inHand) onIdle?.();
    return true;
  };
  const releaseAll = async () => {
    while (handled.length < rows) {
      await new Promise((r) => setImmediate(r));
      releaseHeld();
    }
  };
  const releaseHeld = () => releases.splice(0).forEach((r) => r());
  return { due, handled, step, releaseAll, releaseHeld, most: () => most, held: () => releases.length, idle: () => new Promise<void>((r) => (onIdle = r)) };
}

describe('QueueDrainer', () => {
  it('drains every due row from one kick, even at concurrency 1', async () => {
    const q = heldQueue(5);
    const drainer = new QueueDrainer(q.step, 1);
    drainer.kick();
    await q.releaseAll();
    expect(q.handled).toEqual([0, 1, 2, 3, 4]);
    expect(q.most()).toBe(1);
  });

  it('runs at most `concurrency` rows at once, and claims in parallel up to it', async () => {
    const q = heldQueue(10);
    const drainer = new QueueDrainer(q.step, 3);
    drainer.kick();
    await new Promise((r) => setImmediate(r));
    expect(q.held()).toBe(3);
    await q.releaseAll();
    expect(q.handled.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(q.most()).toBe(3);
  });

  it('stop waits for the rows in hand and claims no more; later() kicks once the time comes', async () => {
    const q = heldQueue(4);
    const drainer = new QueueDrainer(q.step, 1);
    drainer.kick();
    await new Promise((r) => setImmediate(r));
    const stopped = drainer.stop();
    q.releaseHeld();
    await stopped;
    await new Promise((r) => setImmediate(r));
    expect(q.handled).toEqual([0]);
    expect(q.due).toEqual([1, 2, 3]);

    const r = heldQueue(1);
    const again = new QueueDrainer(r.step, 1);
    again.later(20);
    const idle = r.idle();
    await new Promise((done) => setTimeout(done, 0));
    expect(r.held()).toBe(0); // nothing before the time
    void r.releaseAll();
    await idle;
    expect(r.handled).toEqual([0]);
  });

  it('with scanEvery looks now and again later for rows nobody kicked it for, until stopped', async () => {
    let looks = 0;
    let seen: (() => void) | undefined;
    const drainer = new QueueDrainer(async () => {
      looks++;
      seen?.();
      return false;
    }, 1);
    const lookedAgain = (n: number) => new Promise<void>((resolve) => (seen = () => looks >= n && resolve()));
    const second = lookedAgain(2);
    drainer.scanEvery(5);
    expect(looks).toBe(1);
    await second;
    await drainer.stop();
    const after = looks;
    await new Promise((r) => setTimeout(r, 30));
    expect(looks).toBe(after);
  });

  it('a kick that comes while every runner is looking is not lost: it looks again once they finish', async () => {
    // The race that lost a retry under load: the timer of later() fired while the only runner was
    // still in a claim that had found nothing (the row was not due when its query ran).
    let rowDue = false;
    let endLook: (() => void) | undefined;
    let handled = 0;
    const drainer = new QueueDrainer(async (claimed) => {
      if (handled) return false; // the look after the row was handled: nothing left
      const due = rowDue;
      await new Promise<void>((resolve) => (endLook = resolve));
      if (!due) return false;
      claimed();
      rowDue = false;
      handled++;
      return true;
    }, 1);
    drainer.kick(); // looks, finds nothing yet
    rowDue = true;
    drainer.kick(); // the row falls due while that look is in flight
    // Each look ends when released; a few rounds are plenty for the second look to run (no timers).
    for (let round = 0; round < 10 && !handled; round++) {
      endLook!();
      await new Promise((r) => setImmediate(r));
    }
    expect(handled).toBe(1);
    await drainer.stop();
  });

  it('holdIdle takes only the runners left idle, and a released one carries on draining', async () => {
    let looks = 0;
    const drainer = new QueueDrainer(async () => {
      looks++;
      return false;
    }, 3);
    const own = drainer.hold()!;
    const spares = drainer.holdIdle(5);
    expect(spares).toHaveLength(2);
    expect(drainer.holdIdle(1)).toHaveLength(0);
    expect(drainer.hold()).toBeNull();
    // A spare that handled its row frees its runner and looks again (once: that look also answers
    // the refused hold()'s ask); one that found nothing just frees it.
    spares[0]!(true);
    await new Promise((r) => setImmediate(r));
    expect(looks).toBe(1);
    spares[1]!(false);
    own(false);
    await new Promise((r) => setImmediate(r));
    expect(looks).toBe(1);
    expect(drainer.holdIdle(5)).toHaveLength(3);
    await drainer.stop();
    expect(drainer.holdIdle(1)).toHaveLength(0);
  });
});
