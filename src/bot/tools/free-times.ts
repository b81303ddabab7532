// When a service can start, pure: the grid of start times inside a day's openings that are not
// past and overlap no appointment holding time. The booking tools load the openings and the
// appointments; the rules live here so they read (and change) in one place.
import type { Opening } from '../../settings/index.js';

/** A time held by an appointment, [from, to). */
export interface BusySpan {
  from: Date;
  to: Date;
}

export type StartRefusal = 'outside_working_hours' | 'taken' | 'in_the_past';

export interface DayPlan {
  openings: Opening[];
  /** Empty when the store allows overlapping appointments. */
  busy: BusySpan[];
  now: Date;
}

const overlaps = (from: Date, to: Date, busy: BusySpan[]) => busy.some((b) => b.from < to && from < b.to);

/**
 * Starts every `stepMs` from each opening's first instant whose [start, start + lengthMs) fits in
 * that opening, starts no earlier than `now` and overlaps nothing busy (half-open spans: one may
 * start as another ends). Earliest first.
 */
export function freeStarts(plan: DayPlan, lengthMs: number, stepMs: number): Date[] {
  const starts: Date[] = [];
  for (const opening of plan.openings) {
    for (let t = opening.from.getTime(); t + lengthMs <= opening.to.getTime(); t += stepMs) {
      const from = new Date(t);
      const to = new Date(t + lengthMs);
      if (from >= plan.now && !overlaps(from, to, plan.busy)) starts.push(from);
    }
  }
  return starts;
}

/**
 * Why `start` cannot be booked for `lengthMs`, or null when it can — on or off the grid: a
 * customer may ask for 10:15. The past is named first, as the plainest reason to give.
 */
export function refusalOf(plan: DayPlan, start: Date, lengthMs: number): StartRefusal | null {
  const end = new Date(start.getTime() + lengthMs);
  if (start < plan.now) return 'in_the_past';
  if (!plan.openings.some((o) => o.from <= start && end <= o.to)) return 'outside_working_hours';
  if (overlaps(start, end, plan.busy)) return 'taken';
  return null;
}
