// What a slot does when its socket closes, by WhatsApp's reason. The peers' worst failures are
// reconnect storms and loops on "replaced"; every branch here ends or waits.
import { DisconnectReason } from '@whiskeysockets/baileys';
import type { TSlotStatus } from '../../kernel/index.js';

/**
 * WhatsApp answers a login or registration from a WhatsApp Web version it no longer accepts with
 * `<failure reason="405"/>` right after the handshake; Baileys closes with that code ("Connection
 * Failure") and has no DisconnectReason for it.
 */
export const CLIENT_OUTDATED = 405;

export function outdatedReason(webVersion: string | undefined): string {
  const announced = webVersion ? ` (announced ${webVersion})` : '';
  return `WhatsApp refused this WhatsApp Web version (405 client outdated): set WA_WEB_VERSION to the current version, or enable WA_WEB_VERSION_REFRESH${announced}`;
}

export type DisconnectAction =
  /** Reconnect now from the saved creds (515 after pairing, or a planned rebuild). */
  | { kind: 'reconnect-now'; status: TSlotStatus }
  /** Reconnect after a backoff delay. */
  | { kind: 'reconnect-later'; status: 'reconnecting' }
  /** Stop and stay stopped; wipe the slot's auth state first when `wipeAuth`. */
  | { kind: 'park'; status: TSlotStatus; wipeAuth: boolean; reason: string };

export interface DisconnectContext {
  statusCode: number | undefined;
  message: string | undefined;
  /** Failed attempts in a row since the socket last reached `open`. */
  consecutiveFailures: number;
  maxConsecutiveFailures: number;
  /** True when the socket never got past the QR stage (nothing paired yet). */
  awaitingQr: boolean;
  /** The WhatsApp Web version the socket announced ("2.3000.x"), named in the 405 message. */
  webVersion?: string;
}

export function decideOnClose(ctx: DisconnectContext): DisconnectAction {
  const { statusCode, message } = ctx;
  if (statusCode === DisconnectReason.restartRequired) return { kind: 'reconnect-now', status: 'connecting' };
  if (statusCode === DisconnectReason.loggedOut) {
    return { kind: 'park', status: 'logged_out', wipeAuth: true, reason: 'logged out from the phone' };
  }
  if (statusCode === DisconnectReason.connectionReplaced) {
    return { kind: 'park', status: 'replaced', wipeAuth: false, reason: 'another WhatsApp Web session took over this number' };
  }
  // Baileys closes with 408 both for silence and for running out of QR refs; only the message
  // tells them apart, and a QR that nobody scanned must end, not loop.
  if (ctx.awaitingQr && statusCode === DisconnectReason.timedOut && /QR refs attempts ended/i.test(message ?? '')) {
    return { kind: 'park', status: 'qr_timeout', wipeAuth: false, reason: 'the QR code was not scanned in time' };
  }
  if (statusCode === DisconnectReason.multideviceMismatch || statusCode === DisconnectReason.forbidden) {
    return { kind: 'park', status: 'failed', wipeAuth: false, reason: `WhatsApp refused the session (${statusCode})` };
  }
  // Every retry would announce the same version and get the same 405: a loop that never heals.
  if (statusCode === CLIENT_OUTDATED) {
    return { kind: 'park', status: 'outdated', wipeAuth: false, reason: outdatedReason(ctx.webVersion) };
  }
  if (ctx.consecutiveFailures + 1 >= ctx.maxConsecutiveFailures) {
    return {
      kind: 'park',
      status: 'failed',
      wipeAuth: false,
      reason: `gave up after ${ctx.consecutiveFailures + 1} failed attempts in a row (last: ${statusCode ?? 'no code'} ${message ?? ''})`.trim(),
    };
  }
  return { kind: 'reconnect-later', status: 'reconnecting' };
}
