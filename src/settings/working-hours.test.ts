import { describe, expect, it } from '@jest/globals';
import { isOpenAt, isWithinOpenings, openingsOn, type TWorkingHours } from './working-hours.js';

// A salon with a lunch break on weekdays, a short Saturday, closed on Sunday (absent) and Monday ([]).
const HOURS: TWorkingHours = {
  mon: [],
  tue: [{ open: '14:00', close: '18:00' }, { open: '09:00', close: '12:00' }],
  wed: [{ open: '09:00', close: '12:00' }, { open: '14:00', close: '18:00' }],
  sat: [{ open: '09:00', close: '13:00' }],
};
const SP = 'America/Sao_Paulo'; // UTC-03:00 all year since 2019
const iso = (d: Date) => d.toISOString();

describe('openingsOn', () => {
  it("gives the weekday's openings as instants in the zone, earliest first", () => {
    // 2026-07-07 is a Tuesday.
    expect(openingsOn(HOURS, SP, '2026-07-07').map((o) => [iso(o.from), iso(o.to)])).toEqual([
      ['2026-07-07T12:00:00.000Z', '2026-07-07T15:00:00.000Z'],
      ['2026-07-07T17:00:00.000Z', '2026-07-07T21:00:00.000Z'],
    ]);
  });

  it('is empty on a closed day, given as [] or absent', () => {
    expect(openingsOn(HOURS, SP, '2026-07-06')).toEqual([]); // Monday
    expect(openingsOn(HOURS, SP, '2026-07-05')).toEqual([]); // Sunday
    expect(openingsOn({}, SP, '2026-07-07')).toEqual([]);
  });

  it('reads the same wall-clock hours in another zone', () => {
    const [first] = openingsOn(HOURS, 'Europe/Lisbon', '2026-07-11'); // Saturday, WEST = UTC+1
    expect([iso(first!.from), iso(first!.to)]).toEqual(['2026-07-11T08:00:00.000Z', '2026-07-11T12:00:00.000Z']);
  });

  it('keeps wall-clock times across a DST change (the offset of the day, not of today)', () => {
    // New York: EST (-05:00) on Saturday 2026-03-07, EDT (-04:00) from Sunday 2026-03-08 02:00.
    const ny: TWorkingHours = { sat: [{ open: '09:00', close: '13:00' }], sun: [{ open: '01:00', close: '04:00' }] };
    const [sat] = openingsOn(ny, 'America/New_York', '2026-03-07');
    expect(iso(sat!.from)).toBe('2026-03-07T14:00:00.000Z');
    // 01:00 EST to 04:00 EDT is two real hours: the hour from 02:00 to 03:00 does not exist that night.
    const [sun] = openingsOn(ny, 'America/New_York', '2026-03-08');
    expect([iso(sun!.from), iso(sun!.to)]).toEqual(['2026-03-08T06:00:00.000Z', '2026-03-08T08:00:00.000Z']);
    // Brazil's old DST began at midnight (2018-11-04, a Sunday): the day starts at 01:00 -02:00.
    const [br] = openingsOn({ sun: [{ open: '09:00', close: '10:00' }] }, SP, '2018-11-04');
    expect(iso(br!.from)).toBe('2018-11-04T11:00:00.000Z');
  });

  it('moves an opening in the skipped hour forward by the gap, and drops one that comes out reversed', () => {
    const [moved] = openingsOn({ sun: [{ open: '02:00', close: '02:30' }] }, 'America/New_York', '2026-03-08');
    expect([iso(moved!.from), iso(moved!.to)]).toEqual(['2026-03-08T07:00:00.000Z', '2026-03-08T07:30:00.000Z']); // 03:00–03:30 EDT
    // 02:30 reads as 03:30 EDT, after the close at 03:00.
    expect(openingsOn({ sun: [{ open: '02:30', close: '03:00' }] }, 'America/New_York', '2026-03-08')).toEqual([]);
  });

  it('refuses what is not a day', () => {
    expect(() => openingsOn(HOURS, SP, '2026-02-30')).toThrow(RangeError);
    expect(() => openingsOn(HOURS, SP, '2026-07-07T10:00')).toThrow(RangeError);
  });
});

describe('isOpenAt', () => {
  it('is true inside an opening, from its first instant to just before its close', () => {
    expect(isOpenAt(HOURS, SP, new Date('2026-07-07T12:00:00Z'))).toBe(true); // 09:00
    expect(isOpenAt(HOURS, SP, new Date('2026-07-07T14:59:59Z'))).toBe(true);
    expect(isOpenAt(HOURS, SP, new Date('2026-07-07T15:00:00Z'))).toBe(false); // 12:00, lunch
    expect(isOpenAt(HOURS, SP, new Date('2026-07-07T11:59:59Z'))).toBe(false);
    expect(isOpenAt(HOURS, SP, new Date('2026-07-06T13:00:00Z'))).toBe(false); // Monday
  });

  it("reads the instant's day in the store's zone, not in UTC", () => {
    // 2026-07-08T01:00Z is still Tuesday 22:00 in São Paulo, though Wednesday in UTC.
    expect(isOpenAt({ tue: [{ open: '21:00', close: '23:00' }] }, SP, new Date('2026-07-08T01:00:00Z'))).toBe(true);
    expect(isOpenAt({ wed: [{ open: '00:00', close: '23:59' }] }, SP, new Date('2026-07-08T01:00:00Z'))).toBe(false);
  });
});

describe('isWithinOpenings', () => {
  const span = (from: string, to: string) => isWithinOpenings(HOURS, SP, new Date(from), new Date(to));

  it('fits a span inside one opening, ending at its close at the latest', () => {
    expect(span('2026-07-07T12:00:00Z', '2026-07-07T13:00:00Z')).toBe(true); // 09:00–10:00
    expect(span('2026-07-07T14:00:00Z', '2026-07-07T15:00:00Z')).toBe(true); // 11:00–12:00
  });

  it('does not fit one running past closing, across the lunch break, or on a closed day', () => {
    expect(span('2026-07-07T14:30:00Z', '2026-07-07T15:30:00Z')).toBe(false);
    expect(span('2026-07-07T14:00:00Z', '2026-07-07T17:30:00Z')).toBe(false);
    expect(span('2026-07-06T13:00:00Z', '2026-07-06T14:00:00Z')).toBe(false);
    expect(span('2026-07-07T11:30:00Z', '2026-07-07T12:30:00Z')).toBe(false); // starts before opening
  });

  it('never fits an empty or reversed span', () => {
    expect(span('2026-07-07T13:00:00Z', '2026-07-07T13:00:00Z')).toBe(false);
    expect(span('2026-07-07T13:00:00Z', '2026-07-07T12:30:00Z')).toBe(false);
  });
});
