import { describe, expect, it } from '@jest/globals';
import { AppError } from '../kernel/index.js';
import { bookingEnd, planChange } from './appointment-plan.js';
import type { AppointmentRow } from './appointments.repo.js';

const at = (hhmm: string) => new Date(`2026-07-01T${hhmm}:00Z`);
const current: AppointmentRow = {
  id: 'a1', storeId: 's1', contactId: 'c1', serviceId: 'old', startsAt: at('10:00'), endsAt: at('10:45'),
  status: 'scheduled', notes: null, createdAt: at('08:00'), updatedAt: at('08:00'),
};
const service = (id: string, durationMinutes: number | null, active = true) => ({ id, durationMinutes, active });
const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as AppError).code;
  }
  return 'no error';
};

describe('bookingEnd', () => {
  it("takes the given end, else the service's duration, else refuses", () => {
    expect(bookingEnd(at('10:00'), at('10:20'), service('s', 60))).toEqual(at('10:20'));
    expect(bookingEnd(at('10:00'), undefined, service('s', 60))).toEqual(at('11:00'));
    expect(codeOf(() => bookingEnd(at('10:00'), undefined, service('s', null)))).toBe('VALIDATION_FAILED');
    expect(codeOf(() => bookingEnd(at('10:00'), undefined, null))).toBe('VALIDATION_FAILED');
  });
});

describe('planChange', () => {
  it('moving the start keeps the length, and claims the new time', () => {
    expect(planChange(current, { startsAt: at('14:00') }, null)).toEqual({ data: { startsAt: at('14:00'), endsAt: at('14:45') }, claimsTime: true });
  });

  it('a new service sets the end from its duration; an explicit end wins', () => {
    expect(planChange(current, { serviceId: 'new' }, service('new', 90))).toEqual({ data: { serviceId: 'new', endsAt: at('11:30') }, claimsTime: true });
    expect(planChange(current, { serviceId: 'new', endsAt: at('10:30') }, service('new', 90)).data).toEqual({ serviceId: 'new', endsAt: at('10:30') });
    // No service, or one without a duration: the times stay.
    expect(planChange(current, { serviceId: null }, null)).toEqual({ data: { serviceId: null }, claimsTime: false });
  });

  it('refuses an inactive new service, not the inactive one already booked', () => {
    expect(codeOf(() => planChange(current, { serviceId: 'new' }, service('new', 30, false)))).toBe('CONFLICT');
    expect(planChange(current, { serviceId: 'old', notes: 'x' }, service('old', 45, false)).data).toEqual({ notes: 'x' });
  });

  it('refuses an end at or before the start', () => {
    expect(codeOf(() => planChange(current, { endsAt: at('10:00') }, null))).toBe('VALIDATION_FAILED');
    expect(codeOf(() => planChange(current, { startsAt: at('11:00'), endsAt: at('10:50') }, null))).toBe('VALIDATION_FAILED');
  });

  it('claims time only when moved or brought back from cancelled / no-show', () => {
    expect(planChange(current, { notes: 'x' }, null)).toEqual({ data: { notes: 'x' }, claimsTime: false });
    expect(planChange(current, { status: 'cancelled' }, null)).toEqual({ data: { status: 'cancelled' }, claimsTime: false });
    expect(planChange(current, { status: 'cancelled', startsAt: at('12:00') }, null).claimsTime).toBe(false);
    expect(planChange({ ...current, status: 'no_show' }, { status: 'confirmed' }, null)).toEqual({ data: { status: 'confirmed' }, claimsTime: true });
    expect(planChange({ ...current, status: 'confirmed' }, { status: 'done' }, null).claimsTime).toBe(false);
  });

  it('writes only what differs', () => {
    expect(planChange(current, { startsAt: at('10:00'), status: 'scheduled', serviceId: 'old', notes: null }, service('old', 45))).toEqual({ data: {}, claimsTime: false });
  });
});
