// The rules of an appointment's times, pure: where a booking ends when no end is given, and what
// a change to a booked appointment comes to. The repo runs `planChange` under the booking lock,
// against the row as it is at that moment.
import { AppError, ErrorCode } from '../kernel/index.js';
import { holdsTime, type TAppointmentPatch } from './booking.schemas.js';
import type { AppointmentChange, AppointmentRow } from './appointments.repo.js';

/** What the rules need to know of a service. */
export type BookableService = { id: string; active: boolean; durationMinutes: number | null };

/** A 400 in the shape zod's are reported in (details: the issues, by field). */
export function invalid(path: string, message: string): AppError {
  return new AppError(ErrorCode.VALIDATION_FAILED, message, [{ path, code: 'custom', message }]);
}

export function inactiveService(id: string): AppError {
  return new AppError(ErrorCode.CONFLICT, `Service ${id} is inactive: reactivate it (PATCH {"active": true}) or book another service`);
}

const plusMinutes = (at: Date, minutes: number) => new Date(at.getTime() + minutes * 60_000);

export function requireEndAfterStart(startsAt: Date, endsAt: Date): void {
  if (endsAt.getTime() <= startsAt.getTime()) {
    throw invalid('endsAt', `endsAt (${endsAt.toISOString()}) must be after startsAt (${startsAt.toISOString()})`);
  }
}

/** A new booking's end: the one given, else the start plus the service's duration. */
export function bookingEnd(startsAt: Date, endsAt: Date | undefined, service: BookableService | null): Date {
  if (endsAt) return endsAt;
  if (service?.durationMinutes) return plusMinutes(startsAt, service.durationMinutes);
  throw invalid(
    'endsAt',
    service ? `endsAt is required: service ${service.id} has no duration to end the appointment by` : 'endsAt is required when no serviceId with a duration is given',
  );
}

/**
 * A change to `current`. Without an end: a new service's duration sets it from the (new) start;
 * else moving the start keeps the appointment's length. Only what differs is written; the change
 * claims time (is checked for overlaps) when it holds time and was moved or brought back from
 * cancelled / no-show.
 */
export function planChange(current: AppointmentRow, patch: TAppointmentPatch, newService: BookableService | null): AppointmentChange {
  const data: AppointmentChange['data'] = {};
  if (patch.serviceId !== undefined && patch.serviceId !== current.serviceId) {
    if (newService && !newService.active) throw inactiveService(newService.id);
    data.serviceId = patch.serviceId;
  }
  const startsAt = patch.startsAt ?? current.startsAt;
  const length = current.endsAt.getTime() - current.startsAt.getTime();
  const endsAt =
    patch.endsAt ??
    (data.serviceId && newService?.durationMinutes
      ? plusMinutes(startsAt, newService.durationMinutes)
      : new Date(startsAt.getTime() + length));
  requireEndAfterStart(startsAt, endsAt);
  if (startsAt.getTime() !== current.startsAt.getTime()) data.startsAt = startsAt;
  if (endsAt.getTime() !== current.endsAt.getTime()) data.endsAt = endsAt;
  if (patch.status !== undefined && patch.status !== current.status) data.status = patch.status;
  if (patch.notes !== undefined && patch.notes !== current.notes) data.notes = patch.notes;
  const status = data.status ?? current.status;
  const moved = data.startsAt !== undefined || data.endsAt !== undefined;
  return { data, claimsTime: holdsTime(status) && (moved || !holdsTime(current.status)) };
}
