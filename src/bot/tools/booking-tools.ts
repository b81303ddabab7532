// The booking tools the bot offers the model: what the store offers, when it is free, booking a
// confirmed time, the customer's appointments, cancelling one, and handing off to a person. Each
// acts for the conversation's contact only, answers refusals and failures as results, and books
// or cancels only what an earlier turn showed the customer (earlier-offers.ts).
import type { BotTool } from '../bot-tool.js';
import { appointmentTools } from './appointment-tools.js';
import type { BookingToolsDeps } from './booking-tool-deps.js';
import { scheduleTools } from './schedule-tools.js';

export type { BookingToolsDeps, StoreBookingSettings } from './booking-tool-deps.js';

export function createBookingTools(deps: BookingToolsDeps): BotTool[] {
  return [...scheduleTools(deps), ...appointmentTools(deps)];
}
