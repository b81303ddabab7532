// The contacts API's contract (the CRM's "clients"): list filters, a lead created by hand, the
// fields a store may edit, a merge, and the views answered. Every input is strict: an unknown
// field is a 400 and nothing is written.
import { z } from 'zod';
import { ZPageQuery } from '../http/pagination.js';
import { ZRowId, ZStoreId } from '../kernel/index.js';
import { ZMessageView } from '../messages/index.js';

export { encodeCursor, type TCursor } from '../http/pagination.js';
export { ZStoreParams } from '../kernel/index.js';

export const MAX_TAGS = 50;
export const MAX_TAG_LENGTH = 50;
export const MAX_NOTES_LENGTH = 10_000;

// Postgres text cannot hold NUL, and neither control characters nor unpaired surrogates belong
// in what a dashboard shows; notes may keep their line breaks and tabs.
const NOT_PRINTABLE = /[\p{Cc}\p{Cs}]/u;
const NOT_PRINTABLE_IN_NOTES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\p{Cs}]/u;
const printable = (max: number) =>
  z.string().trim().min(1).max(max).refine((s) => !NOT_PRINTABLE.test(s), 'must not contain control characters or broken Unicode');

const ZName = printable(200);
const ZNotes = z.string().max(MAX_NOTES_LENGTH).refine((s) => !NOT_PRINTABLE_IN_NOTES.test(s), 'must not contain control characters or broken Unicode');
const ZEmail = z.email().max(254);
/** Trimmed and deduplicated, first occurrence kept. */
const ZTags = z
  .array(printable(MAX_TAG_LENGTH))
  .max(MAX_TAGS)
  .transform((tags) => [...new Set(tags)])
  .describe(`at most ${MAX_TAGS} tags of at most ${MAX_TAG_LENGTH} characters; duplicates are dropped`);
const ZPhoneInput = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .describe("a phone number in any common format, read in the store's default country when it has no +country code");

export const ZContactParams = z.strictObject({ storeId: ZStoreId, id: ZRowId.describe('a contact id') });

const ZBooleanQuery = z.enum(['true', 'false']).transform((v) => v === 'true');

export const ZContactsQuery = ZPageQuery.extend({
  search: z
    .string()
    .trim()
    .max(200)
    .refine((s) => !NOT_PRINTABLE.test(s), 'must not contain control characters or broken Unicode')
    .optional()
    .describe('part of the name, push name or email (case and accents ignored), or of the phone number in any format'),
  tag: printable(MAX_TAG_LENGTH).optional().describe('contacts having this tag'),
  optOut: ZBooleanQuery.optional(),
  activeSince: z.iso.datetime({ offset: true }).optional().describe('contacts with a conversation whose last message is this recent'),
});
export type TContactsQuery = z.output<typeof ZContactsQuery>;

export const ZCreateContactBody = z.strictObject({
  name: ZName,
  phone: ZPhoneInput.nullable().optional(),
  email: ZEmail.nullable().optional(),
  notes: ZNotes.nullable().optional(),
  tags: ZTags.optional(),
  optOut: z.boolean().optional(),
});
export type TCreateContactBody = z.output<typeof ZCreateContactBody>;

export const ZUpdateContactBody = z
  .strictObject({
    name: ZName.optional(),
    tags: ZTags.optional(),
    notes: ZNotes.nullable().optional(),
    email: ZEmail.nullable().optional(),
    optOut: z.boolean().optional(),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: 'give at least one field to change' });
export type TUpdateContactBody = z.output<typeof ZUpdateContactBody>;

export const ZMergeContactBody = z.strictObject({ otherId: ZRowId.describe('the contact merged into this one, then deleted') });

export const ZContactView = z.object({
  id: z.string(),
  name: z.string().nullable(),
  pushName: z.string().nullable().describe('the name the person gave WhatsApp'),
  phone: z.string().nullable().describe('E.164'),
  jidPn: z.string().nullable(),
  jidLid: z.string().nullable(),
  email: z.string().nullable(),
  notes: z.string().nullable(),
  tags: z.array(z.string()),
  optOut: z.boolean(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type TContactView = z.infer<typeof ZContactView>;

export const ZContactPage = z.object({ data: z.array(ZContactView), nextCursor: z.string().nullable() });
export type TContactPage = z.infer<typeof ZContactPage>;

export const ZContactIdentity = z.object({ id: z.string(), channel: z.string(), handle: z.string(), createdAt: z.iso.datetime() });
export const ZContactDetail = ZContactView.extend({ identities: z.array(ZContactIdentity).describe('handles on channels other than WhatsApp') });
export type TContactDetail = z.infer<typeof ZContactDetail>;

export const ZContactProfile = z.object({
  contact: ZContactDetail,
  snapshot: z
    .object({
      id: z.string(),
      conversationId: z.string().nullable(),
      summary: z.string(),
      flags: z.record(z.string(), z.unknown()),
      model: z.string().nullable(),
      reason: z.string(),
      createdAt: z.iso.datetime(),
    })
    .nullable()
    .describe('the latest AI summary of the contact'),
  messages: z.array(ZMessageView.extend({ conversationId: z.string().nullable() })).describe('the last 10, newest first'),
  conversations: z
    .array(
      z.object({
        id: z.string(),
        channel: z.string(),
        status: z.string(),
        slot: z.number().int().nullable(),
        unread: z.number().int(),
        startedAt: z.iso.datetime(),
        lastMessageAt: z.iso.datetime().nullable(),
      }),
    )
    .describe('the 10 most recent, newest first'),
  appointments: z
    .array(
      z.object({
        id: z.string(),
        service: z.object({ id: z.string(), name: z.string() }).nullable(),
        startsAt: z.iso.datetime(),
        endsAt: z.iso.datetime(),
        status: z.string(),
        notes: z.string().nullable(),
      }),
    )
    .describe('the next 10 not cancelled, soonest first'),
});
export type TContactProfile = z.infer<typeof ZContactProfile>;
