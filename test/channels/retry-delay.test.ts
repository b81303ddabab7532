// The channel send retry schedule: doubling from the base, jittered within [½, 1] of it, capped.
import { expect, it } from '@jest/globals';
import { retryDelayMs } from '../../src/egress/index.js';

it('doubles per attempt, jittered within half of the ceiling, and never exceeds an hour', () => {
  expect([1, 2, 3, 4].map((a) => retryDelayMs(a, 5_000, () => 1))).toEqual([5_000, 10_000, 20_000, 40_000]);
  expect([1, 2, 3, 4].map((a) => retryDelayMs(a, 5_000, () => 0))).toEqual([2_500, 5_000, 10_000, 20_000]);
  expect(retryDelayMs(30, 5_000, () => 1)).toBe(3_600_000);
  expect(retryDelayMs(30, 5_000, () => 0)).toBe(1_800_000);
});
