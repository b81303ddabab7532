import { describe, expect, it } from '@jest/globals';
import { LivenessWatch } from './liveness-watch.js';

const windows = { livenessWindowMs: 1_000, sendAckTimeoutMs: 500 };

describe('LivenessWatch', () => {
  it('stays quiet while frames arrive and sends are answered', () => {
    const watch = new LivenessWatch(windows, 0);
    watch.frame(900);
    watch.sent('m1', 900);
    watch.answered('m1');
    expect(watch.verdict(1_800)).toBeUndefined();
  });

  it('calls a socket dead after the liveness window without a frame', () => {
    const watch = new LivenessWatch(windows, 0);
    expect(watch.verdict(1_000)).toBeUndefined();
    expect(watch.verdict(1_001)).toBe('no frame received for 1001 ms');
  });

  it('calls a socket dead when a send stays unanswered, even while frames arrive', () => {
    const watch = new LivenessWatch(windows, 0);
    watch.sent('m1', 100);
    watch.frame(650);
    expect(watch.verdict(600)).toBeUndefined();
    expect(watch.verdict(601)).toBe('send m1 not acknowledged for 501 ms');
  });

  it('forgets everything on reset (a new socket)', () => {
    const watch = new LivenessWatch(windows, 0);
    watch.sent('m1', 0);
    watch.reset(5_000);
    expect(watch.verdict(5_400)).toBeUndefined();
  });
});
