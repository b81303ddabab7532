import { describe, expect, it } from '@jest/globals';
import { createWriteBatcher } from './write-batcher.js';

/** A write whose batches are held until the test lets them go, one by one. */
function heldWrites() {
  const batches: number[][] = [];
  const releases: Array<() => void> = [];
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const write = async (items: readonly number[]) => {
    batches.push([...items]);
    for (const w of waiters.filter((w) => batches.length >= w.count)) w.resolve();
    await new Promise<void>((resolve) => releases.push(resolve));
    return items.map((n) => (n < 0 ? new Error(`bad ${n}`) : n * 10));
  };
  /** Resolves once `count` batches have reached the database. */
  const untilBatches = (count: number) =>
    new Promise<void>((resolve) => (batches.length >= count ? resolve() : waiters.push({ count, resolve })));
  return { batches, write, untilBatches, release: () => releases.shift()!() };
}

describe('createWriteBatcher', () => {
  it('sends a lone write at once, alone', async () => {
    const held = heldWrites();
    const submit = createWriteBatcher(held.write, { maxBatchSize: 10 });
    const one = submit(1);
    await held.untilBatches(1);
    expect(held.batches).toEqual([[1]]);
    held.release();
    await expect(one).resolves.toBe(10);
  });

  it('collects what arrives while a batch is in flight into the next one, in order', async () => {
    const held = heldWrites();
    const submit = createWriteBatcher(held.write, { maxBatchSize: 10 });
    const first = submit(1);
    await held.untilBatches(1);
    const later = [submit(2), submit(3), submit(4)];
    // Nothing more goes out while the first batch is in the database.
    await new Promise((r) => setImmediate(r));
    expect(held.batches).toEqual([[1]]);
    held.release();
    await held.untilBatches(2);
    expect(held.batches).toEqual([[1], [2, 3, 4]]);
    held.release();
    await expect(Promise.all([first, ...later])).resolves.toEqual([10, 20, 30, 40]);
  });

  it('fails only the items the write answered with an Error, and every item when it throws', async () => {
    const held = heldWrites();
    const submit = createWriteBatcher(held.write, { maxBatchSize: 10 });
    const results = [submit(1), submit(-2), submit(3)];
    await held.untilBatches(1);
    held.release();
    await expect(results[0]).resolves.toBe(10);
    await expect(results[1]).rejects.toThrow('bad -2');
    await expect(results[2]).resolves.toBe(30);

    const failing = createWriteBatcher<number, number>(async () => Promise.reject(new Error('connection lost')), { maxBatchSize: 10 });
    const both = [failing(1), failing(2)];
    await expect(both[0]).rejects.toThrow('connection lost');
    await expect(both[1]).rejects.toThrow('connection lost');
    // A failed batch does not block the next one.
    const after = createWriteBatcher<number, number>(async (items) => items.map((n) => n), { maxBatchSize: 10 });
    await expect(after(5)).resolves.toBe(5);
  });

  it('splits at the batch size', async () => {
    const held = heldWrites();
    const submit = createWriteBatcher(held.write, { maxBatchSize: 2 });
    const all = [1, 2, 3, 4, 5].map((n) => submit(n));
    await held.untilBatches(1);
    held.release();
    await held.untilBatches(3);
    held.release();
    held.release();
    await expect(Promise.all(all)).resolves.toEqual([10, 20, 30, 40, 50]);
    expect(held.batches.map((b) => b.length).sort()).toEqual([1, 2, 2]);
  });
});
