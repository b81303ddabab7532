// The status vocabulary the API reports. It keeps the words the dashboard already uses
// (disconnected, qrcode, connected: seed 002) and adds what a store owner needs to know why.
import { z } from 'zod';

export const SLOT_STATUSES = [
  'disconnected', // never started, or stopped before this vocabulary existed
  'connecting', // opening the socket
  'qrcode', // a QR is waiting to be scanned (or a pairing code to be typed)
  'connected', // open and answering
  'reconnecting', // lost the connection; retrying with backoff
  'qr_timeout', // nobody scanned before the QR refs ran out; press start again
  'logged_out', // unlinked from the phone (or by logout); auth wiped; needs a new QR
  'replaced', // another WhatsApp Web session took over this number; not fighting it
  'outdated', // WhatsApp refused the announced WhatsApp Web version (405): WA_WEB_VERSION must move on
  'failed', // the breaker opened after repeated failures; lastError says why
  'stopped', // stopped on purpose (stop route, CLI)
] as const;

export const ZSlotStatus = z.enum(SLOT_STATUSES);
export type TSlotStatus = z.infer<typeof ZSlotStatus>;

/** Statuses in which nothing runs and nothing will until someone starts the slot again. */
export const PARKED_STATUSES: ReadonlySet<TSlotStatus> = new Set([
  'disconnected',
  'qr_timeout',
  'logged_out',
  'replaced',
  // Retrying cannot help: every attempt announces the same version and gets the same 405.
  'outdated',
  'failed',
  'stopped',
]);

export function isActive(status: TSlotStatus): boolean {
  return status === 'connected';
}
