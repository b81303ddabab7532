// The booking contract: the store's services (what can be booked, at what price and length) and
// its appointments. Every body and query is strict: an unknown field is a 400, never ignored.
import { z } from 'zod';
import { ZPageQuery } from '../http/pagination.js';
import { ZRowId } from '../kernel/index.js';

export { encodeCursor, type TCursor } from '../http/pagination.js';
export { ZStoreParams, ZStoreRowParams } from '../kernel/index.js';

export const APPOINTMENT_STATUSES = ['scheduled', 'confirmed', 'done', 'cancelled', 'no_show'] as const;
export type TAppointmentStatus = (typeof APPOINTMENT_STATUSES)[number];
/** Appointments that no longer hold their time: they never overlap anything, and do not count. */
export const FREED_STATUSES: readonly TAppointmentStatus[] = ['cancelled', 'no_show'];
export const holdsTime = (status: string) => !FREED_STATUSES.includes(status as TAppointmentStatus);

/**
 * Text Postgres would refuse (NUL) or store altered (an unpaired surrogate becomes U+FFFD), and
 * control characters nobody types: refused. A one-line name takes none; notes keep tab and newlines.
 */
const ONE_LINE = /[\p{Cc}\p{Cs}]/u;
const MULTI_LINE = /[\p{Cs}\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/u;
const ZName = z.string().trim().min(1).max(200).refine((v) => !ONE_LINE.test(v), 'must not contain control characters or broken Unicode');
const ZLongText = z.string().max(2000).refine((v) => !MULTI_LINE.test(v), 'must not contain control characters (other than tabs and newlines) or broken Unicode');

// ─── Services ────────────────────────────────────────────────────────────────

// Intl knows the ISO 4217 currencies in use (not the metals and fund codes a store has no use for).
const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));
const ZCurrency = z
  .string()
  .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code in capitals, like BRL')
  .refine((c) => CURRENCIES.has(c), 'is not an ISO 4217 currency')
  .describe('ISO 4217 currency of the price');

const serviceFields = {
  name: ZName,
  description: ZLongText.nullable().optional(),
  priceCents: z.number().int().min(0).max(2_000_000_000).nullable().optional().describe('price in the currency\'s minor unit (cents); null: no set price'),
  currency: ZCurrency.optional(),
  durationMinutes: z.number().int().min(1).max(24 * 60).nullable().optional().describe('how long it takes; an appointment for it ends this long after it starts unless given an end'),
  active: z.boolean().optional().describe('false: kept for the appointments that used it, not bookable'),
};

export const ZServiceCreate = z.strictObject(serviceFields);
export type TServiceCreate = z.infer<typeof ZServiceCreate>;

export const ZServicePatch = z
  .strictObject({ ...serviceFields, name: serviceFields.name.optional() })
  // An empty change is a client's mistake (a lost body), not a no-op to approve.
  .refine((p) => Object.keys(p).length > 0, { message: 'give at least one field to change' });
export type TServicePatch = z.infer<typeof ZServicePatch>;

export const ZServiceListQuery = ZPageQuery.extend({
  active: z.enum(['true', 'false']).transform((v) => v === 'true').optional().describe('only active (true) or inactive (false) services'),
});

export const ZService = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  priceCents: z.number().int().nullable(),
  currency: z.string(),
  durationMinutes: z.number().int().nullable(),
  active: z.boolean(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type TService = z.infer<typeof ZService>;
export const ZServicePage = z.object({ data: z.array(ZService).describe('oldest first'), nextCursor: z.string().nullable() });
export type TServicePage = z.infer<typeof ZServicePage>;

// ─── Appointments ────────────────────────────────────────────────────────────

/** An instant with its offset (Z or ±hh:mm): a local time without one would mean a different moment per reader. */
const ZInstant = z.iso.datetime({ offset: true }).transform((v) => new Date(v));
const ZStatus = z.enum(APPOINTMENT_STATUSES);
const ZNotes = ZLongText.nullable().optional();

export const ZAppointmentCreate = z.strictObject({
  contactId: ZRowId.describe('a contact of this store'),
  serviceId: ZRowId.nullable().optional().describe('an active service of this store'),
  startsAt: ZInstant,
  endsAt: ZInstant.optional().describe("default: startsAt plus the service's duration"),
  status: ZStatus.optional().describe('default scheduled'),
  notes: ZNotes,
});
export type TAppointmentCreate = z.infer<typeof ZAppointmentCreate>;

export const ZAppointmentPatch = z
  .strictObject({
    startsAt: ZInstant.optional().describe('moving the start alone keeps the length'),
    endsAt: ZInstant.optional(),
    serviceId: ZRowId.nullable().optional().describe("a new service alone sets the end from its duration"),
    status: ZStatus.optional().describe('cancelled frees the time (as DELETE does)'),
    notes: ZNotes,
  })
  .refine((p) => Object.keys(p).length > 0, { message: 'give at least one field to change' });
export type TAppointmentPatch = z.infer<typeof ZAppointmentPatch>;

export const ZAppointmentListQuery = ZPageQuery.extend({
  day: z.iso.date().optional().describe("YYYY-MM-DD: appointments starting on that day in the store's timezone"),
  from: ZInstant.optional().describe('appointments starting at or after this instant (URL-encode a + offset as %2B)'),
  to: ZInstant.optional().describe('appointments starting before this instant'),
  contactId: ZRowId.optional(),
  status: ZStatus.optional(),
})
  .refine((q) => q.day === undefined || (q.from === undefined && q.to === undefined), { message: 'give day or from/to, not both', path: ['day'] })
  .refine((q) => !q.from || !q.to || q.from < q.to, { message: 'from must be before to', path: ['to'] });
export type TAppointmentListQuery = z.infer<typeof ZAppointmentListQuery>;

export const ZAppointment = z.object({
  id: z.string(),
  contactId: z.string(),
  serviceId: z.string().nullable(),
  startsAt: z.iso.datetime(),
  endsAt: z.iso.datetime(),
  status: ZStatus,
  notes: z.string().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type TAppointment = z.infer<typeof ZAppointment>;
export const ZAppointmentPage = z.object({ data: z.array(ZAppointment).describe('by start, earliest first'), nextCursor: z.string().nullable() });
export type TAppointmentPage = z.infer<typeof ZAppointmentPage>;
