// A store's calendar days as instants. A day is from local midnight to the next local midnight
// in the store's timezone — 23 or 25 hours on a DST change, starting at 01:00 where midnight
// itself is skipped (Brazil's old DST began at 00:00) — so luxon does the zone arithmetic.
import { DateTime, IANAZone } from 'luxon';

export const DEFAULT_TIMEZONE = 'America/Sao_Paulo';

/**
 * The zone to count days in. A store with no settings row has the default; a stored name the
 * zone database does not know (written by hand, or dropped by a tzdata update) also falls back
 * to it, so a day filter or a summary keeps answering instead of failing on every request.
 */
export function storeZone(timezone: string | null | undefined): string {
  return timezone && IANAZone.isValidZone(timezone) ? timezone : DEFAULT_TIMEZONE;
}

export interface InstantRange {
  /** The first instant of the day (inclusive). */
  from: Date;
  /** The first instant of the next day (exclusive). */
  to: Date;
}

/** `day` (YYYY-MM-DD, already validated) as the instants it covers in `zone`. */
export function dayRange(day: string, zone: string): InstantRange {
  const start = DateTime.fromISO(day, { zone }).startOf('day');
  if (!start.isValid) throw new RangeError(`not a day in ${zone}: ${day}`);
  return { from: start.toJSDate(), to: start.plus({ days: 1 }).startOf('day').toJSDate() };
}

/** The day `at` falls on in `zone`, as instants. */
export function dayOf(at: Date, zone: string): InstantRange {
  const local = DateTime.fromJSDate(at, { zone });
  return dayRange(local.toISODate()!, zone);
}

/** The calendar month `at` falls in, in `zone`, as instants, with its YYYY-MM label. */
export function monthOf(at: Date, zone: string): InstantRange & { label: string } {
  const start = DateTime.fromJSDate(at, { zone }).startOf('month');
  return { from: start.toJSDate(), to: start.plus({ months: 1 }).toJSDate(), label: start.toFormat('yyyy-MM') };
}
