// The store's settings as the dashboard edits them (/settings page): working hours, time zone,
// contact details, logo, the country phone numbers are read in, the appointment overlap rule and
// how much chat history a new link keeps. (The send governor's limits are …/send-settings; the
// channels' URL and secret are …/channels.)
import { IANAZone } from 'luxon';
import { isSupportedCountry } from 'libphonenumber-js';
import { z } from 'zod';

const ZTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM, 00:00–23:59');
const ZOpening = z
  .strictObject({ open: ZTime, close: ZTime })
  .refine((o) => o.open < o.close, { message: 'close must be after open', path: ['close'] });
const ZDay = z
  .array(ZOpening)
  .max(4)
  .refine((day) => [...day].sort((a, b) => a.open.localeCompare(b.open)).every((o, i, all) => i === 0 || all[i - 1]!.close <= o.open), {
    message: 'the openings of a day must not overlap',
  });
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
/** Per weekday, the opening intervals (a lunch break is two); a day absent or [] is closed. */
export const ZWorkingHours = z.strictObject(Object.fromEntries(WEEKDAYS.map((d) => [d, ZDay.optional()])) as Record<(typeof WEEKDAYS)[number], z.ZodOptional<typeof ZDay>>);

export const ZTimezone = z
  .string()
  .max(64)
  .refine((tz) => IANAZone.isValidZone(tz), { message: 'must be an IANA time zone like America/Sao_Paulo' });
export const ZCountry = z
  .string()
  .regex(/^[A-Z]{2}$/, 'must be an ISO 3166 alpha-2 country code like BR')
  .refine((c) => isSupportedCountry(c), { message: 'is not a country phone numbers can be read in' });

export const ZSettings = z.object({
  timezone: z.string(),
  workingHours: ZWorkingHours,
  contactEmail: z.string().nullable(),
  contactPhone: z.string().nullable().describe('E.164'),
  logoUrl: z.string().nullable(),
  defaultCountry: z.string(),
  allowOverlappingAppointments: z.boolean(),
  historyDays: z.number().int().describe('days of chat history a new link stores; 0 = none'),
});
export type TSettings = z.infer<typeof ZSettings>;

export const ZSettingsPatch = z
  .strictObject({
    timezone: ZTimezone.optional(),
    workingHours: ZWorkingHours.optional(),
    contactEmail: z.email().max(254).nullable().optional(),
    contactPhone: z.string().trim().min(3).max(40).nullable().optional().describe('any common format; stored as E.164'),
    logoUrl: z.url({ protocol: /^https$/ }).max(2048).nullable().optional(),
    defaultCountry: ZCountry.optional(),
    allowOverlappingAppointments: z.boolean().optional(),
    historyDays: z.number().int().min(0).max(365).optional(),
  })
  // An empty change is a client's mistake (a lost body), not a no-op to approve.
  .refine((p) => Object.keys(p).length > 0, { message: 'give at least one setting to change' });
export type TSettingsPatch = z.infer<typeof ZSettingsPatch>;
