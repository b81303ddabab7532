// The send API's contract: what POST /api/whatsapp/:storeId/messages takes and what a sent
// message looks like. Every object is strict: an unknown field is a 400, not silently ignored.
import { z } from 'zod';
import { ZStoreId, ZStoreParams } from '../kernel/index.js';

export { ZStoreParams };
import { ZSendPolicy, ZSendPolicyPatch } from './send-policy.js';

/** WhatsApp caps a text at 65,536 characters; the dashboard has no business near that. */
export const MAX_TEXT_LENGTH = 4096;

const ZId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be an id this API gave out');

const ZOptions = z
  .strictObject({
    delay: z.number().int().min(0).max(300_000).optional().describe('ms to wait before sending (on top of any limit)'),
    typing: z.boolean().optional().describe('show "typing…" before sending (default true for text)'),
    quotedId: ZId.optional().describe('id of a message of this chat to reply to'),
  })
  .optional();

const base = {
  to: z.string().trim().min(3).max(64).describe('phone number in any common format (read in the store\'s country when it has no +), or a JID'),
  slot: z.number().int().min(1).max(10).optional().describe('the slot to send from; default: the slot the contact last wrote to, else the first connected one'),
  options: ZOptions,
};

const MIME = /^[a-z]+\/[a-z0-9.+-]+$/i;
const media = {
  url: z.url({ protocol: /^https?$/ }).max(2048).optional(),
  base64: z.base64().optional(),
  mimetype: z.string().max(127).regex(MIME, 'must be a MIME type like image/jpeg').optional(),
  caption: z.string().max(1024).optional(),
  fileName: z.string().min(1).max(255).optional(),
};
const exactlyOneSource = (m: { url?: string; base64?: string }) => (m.url === undefined) !== (m.base64 === undefined);
const oneSource = { message: 'give exactly one of url or base64', path: ['url'] };

const ZText = z.strictObject({ ...base, type: z.literal('text'), text: z.string().min(1).max(MAX_TEXT_LENGTH) });
const ZImage = z.strictObject({ ...base, type: z.literal('image'), ...media }).refine(exactlyOneSource, oneSource);
const ZVideo = z.strictObject({ ...base, type: z.literal('video'), ...media }).refine(exactlyOneSource, oneSource);
const ZDocument = z.strictObject({ ...base, type: z.literal('document'), ...media }).refine(exactlyOneSource, oneSource);
const ZAudio = z
  .strictObject({ ...base, type: z.literal('audio'), ...media, ptt: z.boolean().optional().describe('a voice note') })
  .refine(exactlyOneSource, oneSource);
const ZLocation = z.strictObject({
  ...base,
  type: z.literal('location'),
  latitude: z.number().min(-90).max(90),
  longitude: z.number().min(-180).max(180),
  name: z.string().max(256).optional(),
  address: z.string().max(512).optional(),
});
const ZContactCard = z.strictObject({
  ...base,
  type: z.literal('contact'),
  contact: z.strictObject({ name: z.string().min(1).max(256), phone: z.string().trim().min(3).max(40) }),
});
const ZReaction = z.strictObject({
  ...base,
  type: z.literal('reaction'),
  messageId: ZId.describe('the message (of this chat) reacted to'),
  emoji: z.string().max(16).describe('empty takes the reaction back'),
});

const ZForward = z.strictObject({
  ...base,
  type: z.literal('forward'),
  messageId: ZId.describe('a message of this store (any chat), sent on as WhatsApp\'s "Forwarded"'),
});

export const ZSendRequest = z.discriminatedUnion('type', [ZText, ZImage, ZVideo, ZDocument, ZAudio, ZLocation, ZContactCard, ZReaction, ZForward]);
export type TSendRequest = z.infer<typeof ZSendRequest>;
export type TMediaRequest = Extract<TSendRequest, { type: 'image' | 'video' | 'document' | 'audio' }>;
export const isMediaRequest = (r: TSendRequest): r is TMediaRequest => ['image', 'video', 'document', 'audio'].includes(r.type);

export const ZMessageParams = z.strictObject({ storeId: ZStoreId, id: ZId });

/** `Idempotency-Key` header: a retried request with the same key gets the first one's message. */
export const ZIdempotencyKey = z
  .string()
  .regex(/^[\x21-\x7e]{1,128}$/, 'must be 1 to 128 visible ASCII characters')
  .optional()
  .describe('Idempotency-Key header');

export const ZSendAccepted = z.object({
  id: z.string(),
  status: z.string().describe('queued; for a retried Idempotency-Key, the message\'s status now'),
  slot: z.number().int(),
  to: z.string().describe('the JID it goes to'),
  waMessageId: z.string().describe('the WhatsApp id it carries: its key on the phone, in receipts and in webhooks'),
  notBefore: z.iso.datetime().describe('not sent before this instant (a delay or a limit)'),
  heldBy: z.string().nullable().describe('the limit that holds it, if any'),
});
export type TSendAccepted = z.infer<typeof ZSendAccepted>;

export const ZStatusEvent = z.object({ status: z.string(), at: z.iso.datetime(), reason: z.string().nullable() });

export const ZSentMessage = z.object({
  id: z.string(),
  slot: z.number().int(),
  to: z.string(),
  direction: z.string(),
  type: z.string(),
  text: z.string().nullable(),
  status: z.string(),
  reason: z.string().nullable().describe('why it failed, or which limit holds it'),
  waMessageId: z.string(),
  createdAt: z.iso.datetime(),
  history: z.array(ZStatusEvent).describe('every status it went through, oldest first'),
});
export type TSentMessage = z.infer<typeof ZSentMessage>;

/** Two-letter ISO 3166 country (the send API reads numbers without + in it). */
const ZCountry = z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166 alpha-2 country code like BR');

export const ZSendSettingsPatch = z
  .strictObject({
    defaultCountry: ZCountry.optional(),
    sendPolicy: ZSendPolicyPatch.optional(),
  })
  // An empty change is a client's mistake (a lost body, a form post), not a no-op to approve.
  .refine((p) => p.defaultCountry !== undefined || p.sendPolicy !== undefined, { message: 'give defaultCountry or sendPolicy' });
export type TSendSettingsPatch = z.infer<typeof ZSendSettingsPatch>;
export const ZSendSettings = z.object({ defaultCountry: z.string(), sendPolicy: ZSendPolicy });
export type TSendSettings = z.infer<typeof ZSendSettings>;

export const ZCheckNumbersBody = z.strictObject({
  numbers: z.array(z.string().trim().min(3).max(40)).min(1).max(50).describe('phone numbers in any common format (read in the store\'s country without +)'),
  slot: z.number().int().min(1).max(10).optional().describe('the slot to ask on; default: the first connected one'),
});
export type TCheckNumbersBody = z.infer<typeof ZCheckNumbersBody>;
export const ZCheckNumbersResult = z.object({
  slot: z.number().int(),
  numbers: z.array(z.object({ input: z.string(), e164: z.string(), onWhatsApp: z.boolean(), jid: z.string().nullable().describe('the JID to send to') })),
});
export type TCheckNumbersResult = z.infer<typeof ZCheckNumbersResult>;

export const ZPresenceBody = z.strictObject({
  to: base.to,
  slot: base.slot,
  state: z.enum(['composing', 'recording', 'paused']).default('composing').describe('typing…, recording audio…, or neither'),
});
export type TPresenceBody = z.infer<typeof ZPresenceBody>;
export const ZPresenceResult = z.object({ slot: z.number().int(), to: z.string().describe('the JID it was shown in'), state: z.enum(['composing', 'recording', 'paused']) });
export type TPresenceResult = z.infer<typeof ZPresenceResult>;
