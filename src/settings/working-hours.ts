// A store's working hours as instants, pure. The settings keep them as wall-clock times per
// weekday ({mon: [{open: '09:00', close: '12:00'}, …]}); what is open is decided on instants, so a
// day's openings are read in the store's zone by luxon: on a DST change an opening keeps its
// wall-clock times and becomes longer or shorter in real time. A local time the change skips
// (02:30 when clocks jump from 02:00 to 03:00) moves forward by the gap, as luxon does; a repeated
// one (the hour clocks fall back over) is luxon's pick of the two.
import { DateTime } from 'luxon';
import { WEEKDAYS, type TSettings } from './settings.schemas.js';

export type TWorkingHours = TSettings['workingHours'];

/** One opening of a day, [from, to). */
export interface Opening {
  from: Date;
  to: Date;
}

function localDay(day: string, zone: string): DateTime {
  const start = DateTime.fromISO(day, { zone }).startOf('day');
  if (!start.isValid || !/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new RangeError(`not a day in ${zone}: ${day}`);
  return start;
}

/** The openings of `day` (YYYY-MM-DD, in `zone`), earliest first; [] when closed that day. */
export function openingsOn(hours: TWorkingHours, zone: string, day: string): Opening[] {
  const start = localDay(day, zone);
  const weekday = WEEKDAYS[start.weekday - 1]!; // luxon: 1 = Monday … 7 = Sunday, as WEEKDAYS
  const at = (hhmm: string) => DateTime.fromISO(`${day}T${hhmm}`, { zone }).toJSDate();
  return (hours[weekday] ?? [])
    .map((o) => ({ from: at(o.open), to: at(o.close) }))
    // An opening from inside a skipped hour to just after it comes out reversed: none that day.
    .filter((o) => o.from < o.to)
    .sort((a, b) => a.from.getTime() - b.from.getTime());
}

/** The local day (YYYY-MM-DD) `at` falls on in `zone`. */
function dayAt(at: Date, zone: string): string {
  return DateTime.fromJSDate(at, { zone }).toISODate()!;
}

/** Whether the store is open at the instant `at`. */
export function isOpenAt(hours: TWorkingHours, zone: string, at: Date): boolean {
  return openingsOn(hours, zone, dayAt(at, zone)).some((o) => o.from <= at && at < o.to);
}

/**
 * Whether [from, to) lies entirely inside one opening: an appointment that runs past closing, or
 * across a lunch break between two openings, does not fit. An empty or reversed span never fits.
 */
export function isWithinOpenings(hours: TWorkingHours, zone: string, from: Date, to: Date): boolean {
  if (!(from < to)) return false;
  return openingsOn(hours, zone, dayAt(from, zone)).some((o) => o.from <= from && to <= o.to);
}
