// The CRM tools' contract: what each takes and answers. Inputs are plain JSON (no transforms: the
// SDK shows them to the agent as JSON Schema), ids are the store's rows, instants are ISO 8601
// with an offset. Outputs are the daemon's views trimmed to what an agent acts on; the booking and
// contacts domains keep their zod schemas inside, so the shapes are restated here and tied to
// their types where they meet (crm.tools.ts builds them from the services' answers).
import { z } from 'zod';
import { ZChannel, ZRowId } from '../../../kernel/index.js';
import type { TAppointment } from '../../../booking/index.js';
import { ZSummary } from '../../../summary/index.js';

// ─── Shared pieces ───────────────────────────────────────────────────────────

export const APPOINTMENT_STATUSES = ['scheduled', 'confirmed', 'done', 'cancelled', 'no_show'] as const;
// Both ways: a status booking adds or drops breaks the build here, not an agent's call.
type SameStatuses = [TAppointment['status']] extends [(typeof APPOINTMENT_STATUSES)[number]]
  ? [(typeof APPOINTMENT_STATUSES)[number]] extends [TAppointment['status']] ? true : never
  : never;
const sameStatuses: SameStatuses = true;
void sameStatuses;

const ZStatus = z.enum(APPOINTMENT_STATUSES);
const ZInstantInput = z.iso.datetime({ offset: true });
const ZLimit = (fallback: number) => z.number().int().min(1).max(100).default(fallback).describe(`how many to answer, 1..100 (default ${fallback})`);
const ZCursorInput = z.string().min(1).max(200).optional().describe('nextCursor of the previous answer, for the next page');
const ZNextCursor = z.string().nullable().describe('give it back as cursor for the next page; null: this was the last');
const ZContactId = ZRowId.describe('a contact id of this store');
// The services trust what their routes' schemas let through, so text is held to the same rules:
// no NUL (Postgres refuses it), no control characters or broken Unicode (notes keep tabs and newlines).
const ONE_LINE = /[\p{Cc}\p{Cs}]/u;
const MULTI_LINE = /[\p{Cs}\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/u;
const ZPhoneInput = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .refine((v) => !ONE_LINE.test(v), 'must not contain control characters or broken Unicode')
  .describe("the contact's phone number in any common format (+55 11 98888-7777, 11988887777…)");
const ZNotes = z
  .string()
  .max(2000)
  .refine((v) => !MULTI_LINE.test(v), 'must not contain control characters (other than tabs and newlines) or broken Unicode')
  .describe('free text for the store, not sent to the customer');

/** Whom a tool acts on: exactly one of contactId or phone. */
const contactChoice = { contactId: ZContactId.optional().describe('the contact (or give phone)'), phone: ZPhoneInput.optional().describe("the contact's phone number in any common format (or give contactId)") };
const oneContact = (v: { contactId?: string; phone?: string }) => (v.contactId === undefined) !== (v.phone === undefined);
const ONE_CONTACT = { message: 'give exactly one of contactId or phone', path: ['contactId'] };

export const ZContactRef = z.object({
  id: z.string(),
  name: z.string().nullable().describe("the store's name for the contact, else the name they gave WhatsApp"),
  phone: z.string().nullable().describe('E.164'),
});
export type TContactRef = z.infer<typeof ZContactRef>;

export const ZPrice = z
  .object({
    cents: z.number().int().describe("in the currency's minor unit"),
    currency: z.string().describe('ISO 4217'),
    formatted: z.string().describe('as a Brazilian customer reads it, e.g. "R$ 45,00"'),
  })
  .nullable()
  .describe('null: the service has no set price');
export type TCrmPrice = z.infer<typeof ZPrice>;

export const ZCrmService = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  durationMinutes: z.number().int().nullable().describe('null: no set length (booking it needs endsAt)'),
  price: ZPrice,
  active: z.boolean().describe('false: kept for old appointments, not bookable'),
});

export const ZCrmAppointment = z.object({
  id: z.string(),
  contact: ZContactRef,
  service: z.object({ id: z.string(), name: z.string() }).nullable(),
  startsAt: z.iso.datetime(),
  endsAt: z.iso.datetime(),
  status: ZStatus.describe('scheduled and confirmed hold the time; cancelled and no_show free it; done is past'),
  notes: z.string().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type TCrmAppointment = z.infer<typeof ZCrmAppointment>;

const ZAppointmentResult = z.object({ appointment: ZCrmAppointment });

// ─── list_services ───────────────────────────────────────────────────────────

export const ZListServicesInput = z.strictObject({
  includeInactive: z.boolean().default(false).describe('true: also the deactivated services'),
  limit: ZLimit(100),
  cursor: ZCursorInput,
});
export const ZListServicesOutput = z.object({ services: z.array(ZCrmService).describe('oldest first'), nextCursor: ZNextCursor });

// ─── list_appointments ───────────────────────────────────────────────────────

export const ZListAppointmentsInput = z
  .strictObject({
    day: z.iso.date().optional().describe("YYYY-MM-DD: the appointments starting that day in the store's time zone"),
    from: ZInstantInput.optional().describe('appointments starting at or after this instant'),
    to: ZInstantInput.optional().describe('appointments starting before this instant'),
    status: ZStatus.optional(),
    contactId: ZContactId.optional().describe("only this contact's appointments"),
    limit: ZLimit(50),
    cursor: ZCursorInput,
  })
  .refine((q) => q.day === undefined || (q.from === undefined && q.to === undefined), { message: 'give day or from/to, not both', path: ['day'] })
  .refine((q) => !q.from || !q.to || new Date(q.from) < new Date(q.to), { message: 'from must be before to', path: ['to'] });
export const ZListAppointmentsOutput = z.object({ appointments: z.array(ZCrmAppointment).describe('by start, earliest first'), nextCursor: ZNextCursor });

// ─── create_appointment / update_appointment ─────────────────────────────────

export const ZCreateAppointmentInput = z
  .strictObject({
    ...contactChoice,
    serviceId: ZRowId.optional().describe('an active service of this store, as list_services gives it; its duration sets the end'),
    startsAt: ZInstantInput.describe('the start, ISO 8601 with its offset (2026-07-01T14:00:00-03:00)'),
    endsAt: ZInstantInput.optional().describe("default: startsAt plus the service's duration; required without a service or duration"),
    notes: ZNotes.optional(),
  })
  .refine(oneContact, ONE_CONTACT);
export const ZCreateAppointmentOutput = ZAppointmentResult;

export const ZUpdateAppointmentInput = z
  .strictObject({
    id: ZRowId.describe('the appointment id'),
    startsAt: ZInstantInput.optional().describe('a new start; alone, it keeps the length'),
    endsAt: ZInstantInput.optional().describe('a new end'),
    serviceId: ZRowId.nullable().optional().describe("a new service (alone, its duration sets the end); null: no service"),
    status: ZStatus.optional().describe('cancelled or no_show frees the time; confirmed, done…'),
    notes: ZNotes.nullable().optional().describe('replaces the notes; null clears them'),
  })
  .refine((p) => Object.entries(p).some(([k, v]) => k !== 'id' && v !== undefined), { message: 'give at least one field to change', path: ['id'] });
export const ZUpdateAppointmentOutput = ZAppointmentResult;

// ─── get_contact_profile ─────────────────────────────────────────────────────

export const ZGetContactProfileInput = z.strictObject(contactChoice).refine(oneContact, ONE_CONTACT);
export const ZGetContactProfileOutput = z.object({
  contact: z.object({
    id: z.string(),
    name: z.string().nullable(),
    pushName: z.string().nullable().describe('the name the person gave WhatsApp'),
    phone: z.string().nullable().describe('E.164'),
    email: z.string().nullable(),
    notes: z.string().nullable(),
    tags: z.array(z.string()),
    optOut: z.boolean().describe('true: the person asked not to receive messages'),
    createdAt: z.iso.datetime(),
  }),
  snapshot: z
    .object({
      summary: z.string(),
      flags: z.record(z.string(), z.unknown()).describe('noShowRisk (low|medium|high), preferences, objections, sentiment (positive|neutral|negative)'),
      reason: z.string().describe('why it was made: manual, conversation_closed, daily'),
      conversationId: z.string().nullable(),
      createdAt: z.iso.datetime(),
    })
    .nullable()
    .describe('the latest AI summary of the contact; null when none was made'),
  recentMessages: z
    .array(z.object({ id: z.string(), conversationId: z.string().nullable(), channel: z.string(), direction: z.string(), type: z.string(), text: z.string().nullable(), sentAt: z.iso.datetime() }))
    .describe('the last 10, newest first'),
  conversations: z
    .array(z.object({ id: z.string(), channel: z.string(), status: z.string(), unread: z.number().int(), startedAt: z.iso.datetime(), lastMessageAt: z.iso.datetime().nullable() }))
    .describe('the 10 most recent, newest first'),
  upcomingAppointments: z
    .array(z.object({ id: z.string(), service: z.object({ id: z.string(), name: z.string() }).nullable(), startsAt: z.iso.datetime(), endsAt: z.iso.datetime(), status: z.string(), notes: z.string().nullable() }))
    .describe('the next 10 from now, cancelled ones left out, soonest first'),
});

// ─── inbox_summary ───────────────────────────────────────────────────────────

export const ZInboxSummaryInput = z.strictObject({
  unreadOnly: z.boolean().default(false).describe('true: only conversations with unread messages'),
  channel: ZChannel.optional().describe('only this channel (whatsapp, instagram…)'),
  limit: ZLimit(30),
  cursor: ZCursorInput,
});
export const ZInboxSummaryOutput = z.object({
  openConversationsCount: z.number().int().describe('all open conversations of the store'),
  unreadInboundCount: z.number().int().describe('unread messages across the open conversations'),
  conversations: z
    .array(
      z.object({
        conversationId: z.string(),
        channel: z.string(),
        contact: ZContactRef,
        unread: z.number().int(),
        lastMessageAt: z.iso.datetime().nullable(),
        lastMessage: z.object({ direction: z.string(), type: z.string(), text: z.string().nullable() }).nullable(),
        awaitingReply: z.boolean().describe('the last message came from the customer'),
      }),
    )
    .describe('open conversations, most recent message first'),
  nextCursor: ZNextCursor,
});

// ─── store_summary ───────────────────────────────────────────────────────────

export const ZStoreSummaryInput = z.strictObject({});
export const ZStoreSummaryOutput = ZSummary;
