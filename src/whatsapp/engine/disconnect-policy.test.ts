import { describe, expect, it } from '@jest/globals';
import { backoffDelay } from './backoff.js';
import { decideOnClose, type DisconnectContext } from './disconnect-policy.js';

const base: DisconnectContext = { statusCode: 428, message: 'Connection Closed', consecutiveFailures: 0, maxConsecutiveFailures: 5, awaitingQr: false };

describe('decideOnClose', () => {
  it('reconnects at once on 515 (restart required after pairing)', () => {
    expect(decideOnClose({ ...base, statusCode: 515 })).toEqual({ kind: 'reconnect-now', status: 'connecting' });
  });
  it('parks as logged_out and wipes auth on 401', () => {
    expect(decideOnClose({ ...base, statusCode: 401 })).toMatchObject({ kind: 'park', status: 'logged_out', wipeAuth: true });
  });
  it('parks as replaced on 440 without wiping', () => {
    expect(decideOnClose({ ...base, statusCode: 440 })).toMatchObject({ kind: 'park', status: 'replaced', wipeAuth: false });
  });
  it('parks as qr_timeout when the QR refs run out, but retries a 408 silence', () => {
    expect(decideOnClose({ ...base, statusCode: 408, message: 'QR refs attempts ended', awaitingQr: true })).toMatchObject({ kind: 'park', status: 'qr_timeout' });
    expect(decideOnClose({ ...base, statusCode: 408, message: 'Connection was lost' })).toEqual({ kind: 'reconnect-later', status: 'reconnecting' });
  });
  it('parks as outdated on 405 (client outdated), naming the setting and the version, at the first attempt', () => {
    const parked = decideOnClose({ ...base, statusCode: 405, message: 'Connection Failure', webVersion: '2.3000.1' });
    expect(parked).toEqual({
      kind: 'park',
      status: 'outdated',
      wipeAuth: false,
      reason: 'WhatsApp refused this WhatsApp Web version (405 client outdated): set WA_WEB_VERSION to the current version, or enable WA_WEB_VERSION_REFRESH (announced 2.3000.1)',
    });
    // While linked too, and whatever the breaker count: a 405 never retries.
    expect(decideOnClose({ ...base, statusCode: 405, awaitingQr: true })).toMatchObject({ kind: 'park', status: 'outdated', wipeAuth: false });
  });
  it('backs off on other closes and opens the breaker after N failures in a row', () => {
    expect(decideOnClose({ ...base, consecutiveFailures: 3 })).toEqual({ kind: 'reconnect-later', status: 'reconnecting' });
    const parked = decideOnClose({ ...base, consecutiveFailures: 4 });
    expect(parked).toMatchObject({ kind: 'park', status: 'failed', wipeAuth: false });
    expect(parked.kind === 'park' && parked.reason).toMatch(/5 failed attempts.*428/);
  });
});

describe('backoffDelay', () => {
  const policy = { baseMs: 1000, capMs: 60_000 };
  it('grows exponentially up to the cap', () => {
    expect(backoffDelay(0, policy, () => 1)).toBe(1000);
    expect(backoffDelay(3, policy, () => 1)).toBe(8000);
    expect(backoffDelay(20, policy, () => 1)).toBe(60_000);
  });
  it('jitters within the window but never below half the base', () => {
    expect(backoffDelay(3, policy, () => 0)).toBe(500);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(4000);
  });
});
