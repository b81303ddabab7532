// What the booking tools need from the rest of the daemon, as narrow functions: the booking
// domain's public face, the store's settings as far as booking reads them, and the hand-off the
// bot's own code performs (pausing the bot for the contact and telling the dashboard).
import type { Booking } from '../../booking/index.js';
import type { TWorkingHours } from '../../settings/index.js';
import type { ToolContext } from '../bot-tool.js';
import type { ToolFailureListener } from './tool-results.js';

export interface StoreBookingSettings {
  /** IANA zone name; an unknown one falls back to the default (kernel storeZone). */
  timezone: string;
  workingHours: TWorkingHours;
  allowOverlappingAppointments: boolean;
}

export interface BookingToolsDeps {
  booking: Booking;
  storeSettings(storeId: string): Promise<StoreBookingSettings>;
  handOff(ctx: ToolContext, reason: string): Promise<void>;
  /** Told of every tool failure (not refusals), for the log. */
  onFailure?: ToolFailureListener;
}
