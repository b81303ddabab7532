import { describe, expect, it } from '@jest/globals';
import { DEFAULT_TIMEZONE, dayOf, dayRange, monthOf, storeZone } from './store-day.js';

const hours = (r: { from: Date; to: Date }) => (r.to.getTime() - r.from.getTime()) / 3_600_000;

describe('store days', () => {
  it('is local midnight to local midnight', () => {
    expect(dayRange('2026-06-01', 'Asia/Tokyo')).toEqual({ from: new Date('2026-05-31T15:00:00Z'), to: new Date('2026-06-01T15:00:00Z') });
    expect(dayRange('2026-06-01', 'America/Sao_Paulo')).toEqual({ from: new Date('2026-06-01T03:00:00Z'), to: new Date('2026-06-02T03:00:00Z') });
  });

  it('is 23 or 25 hours long on a DST change', () => {
    expect(hours(dayRange('2026-03-08', 'America/New_York'))).toBe(23);
    expect(hours(dayRange('2026-11-01', 'America/New_York'))).toBe(25);
    // Brazil's DST (until 2019) started at midnight: that day began at 01:00.
    expect(dayRange('2018-11-04', 'America/Sao_Paulo').from).toEqual(new Date('2018-11-04T03:00:00Z'));
    expect(hours(dayRange('2018-11-04', 'America/Sao_Paulo'))).toBe(23);
    expect(hours(dayRange('2019-02-16', 'America/Sao_Paulo'))).toBe(25);
  });

  it('finds the local day of an instant', () => {
    // 23:30 on 1 June in São Paulo is already 2 June in UTC and in Tokyo.
    const at = new Date('2026-06-02T02:30:00Z');
    expect(dayOf(at, 'America/Sao_Paulo')).toEqual(dayRange('2026-06-01', 'America/Sao_Paulo'));
    expect(dayOf(at, 'Asia/Tokyo')).toEqual(dayRange('2026-06-02', 'Asia/Tokyo'));
  });

  it('falls back to the default zone for a missing or unknown one', () => {
    expect(storeZone(undefined)).toBe(DEFAULT_TIMEZONE);
    expect(storeZone('Mars/Olympus_Mons')).toBe(DEFAULT_TIMEZONE);
    expect(storeZone('Asia/Tokyo')).toBe('Asia/Tokyo');
  });
});

describe('monthOf', () => {
  it('is the local calendar month, whatever UTC says', () => {
    // 02:30Z on 1 December is still 30 November in São Paulo.
    const m = monthOf(new Date('2026-12-01T02:30:00Z'), 'America/Sao_Paulo');
    expect([m.label, m.from.toISOString(), m.to.toISOString()]).toEqual(['2026-11', '2026-11-01T03:00:00.000Z', '2026-12-01T03:00:00.000Z']);
  });
});
