// The contract of the other channels (instagram, messenger, email, telegram… through the store's
// n8n): the store's channel settings, the two signed webhooks n8n calls, the payload we POST to
// the store's outbound URL, and what a send takes.
import { z } from 'zod';
import { ZChannel, ZRowId, ZStoreId, type TMessageStatus } from '../kernel/index.js';

export { ZStoreParams } from '../kernel/index.js';

/** A channel's name: lowercase, as the database CHECKs it; WhatsApp is the daemon's own. */
export const ZChannelName = ZChannel.refine((c) => c !== 'whatsapp', 'whatsapp is not one of these channels: its messages come from the WhatsApp slots');

/** Text Postgres can store (no NUL), bounded. */
const text = (max: number) => z.string().min(1).max(max).regex(/^[^\u0000]*$/, 'must not contain NUL characters');
const ZMimetype = z.string().max(255).regex(/^[\w.+-]+\/[\w.+-]+$/, 'must be a mimetype like image/jpeg');
export const MAX_TEXT = 65_536;

export const ZChannelMedia = z.strictObject({
  url: z.url({ protocol: /^https?$/ }).max(2048),
  mimetype: ZMimetype.optional(),
  fileName: text(255).optional(),
});
export type TChannelMedia = z.infer<typeof ZChannelMedia>;

const textOrMedia = { message: 'text or media is required', path: ['text'] };

// ─── Settings (store key) ────────────────────────────────────────────────────

export const ZChannelSettings = z.object({
  outboundUrl: z.string().nullable().describe("where messages on other channels go out: the store's n8n webhook; null = not set up"),
  secretLast4: z.string().nullable().describe('the last four characters of the channel secret; null = none made yet'),
  inboundUrl: z.string().describe('the path n8n posts incoming messages to, {channel} being e.g. instagram'),
  statusUrl: z.string().describe('the path n8n posts delivery statuses to'),
});
export type TChannelSettings = z.infer<typeof ZChannelSettings>;

export const ZChannelSettingsPatch = z.strictObject({
  outboundUrl: z.url({ protocol: /^https?$/ }).max(2048).nullable().describe('https (http only where CHANNELS_ALLOW_PRIVATE_URLS); null removes it'),
});
export type TChannelSettingsPatch = z.infer<typeof ZChannelSettingsPatch>;

export const ZChannelSecret = z.object({
  secret: z.string().describe('whsec_<base64>: the Standard Webhooks secret, shown only in this answer'),
});

// ─── Webhooks from n8n (signed: webhook-id, webhook-timestamp, webhook-signature) ──

export const ZInboundParams = z.strictObject({ storeId: ZStoreId, channel: ZChannelName });

export const ZInboundMessage = z
  .strictObject({
    externalId: text(256).describe("the channel's id of the message; a redelivery with the same id stores nothing new"),
    sender: z.strictObject({
      handle: text(256).describe('who wrote, as the channel names them (an Instagram id, an email address…)'),
      name: text(256).optional(),
    }),
    text: text(MAX_TEXT).optional(),
    media: ZChannelMedia.optional(),
    timestamp: z.iso.datetime({ offset: true }),
  })
  .refine((b) => b.text !== undefined || b.media !== undefined, textOrMedia);
export type TInboundMessage = z.infer<typeof ZInboundMessage>;

export const ZInboundResult = z.object({
  messageId: z.string(),
  conversationId: z.string(),
  contactId: z.string(),
  duplicate: z.boolean().describe('true when this externalId was stored before: nothing new was written'),
});
export type TInboundResult = z.infer<typeof ZInboundResult>;

export const CALLBACK_STATUSES = ['sent', 'delivered', 'read', 'failed'] as const satisfies readonly TMessageStatus[];

export const ZStatusCallback = z
  .strictObject({
    messageId: ZRowId.optional().describe('our id of the message (the outbound payload\'s messageId, also its webhook-id)'),
    externalId: text(256).optional().describe("the message's external id (the outbound payload's externalId)"),
    status: z.enum(CALLBACK_STATUSES),
    reason: text(500).optional().describe('why, for failed'),
    at: z.iso.datetime({ offset: true }).optional(),
  })
  .refine((b) => (b.messageId === undefined) !== (b.externalId === undefined), { message: 'exactly one of messageId and externalId is required', path: ['messageId'] });
export type TStatusCallback = z.infer<typeof ZStatusCallback>;

export const ZStatusResult = z.object({
  messageId: z.string(),
  status: z.string().describe('the message status now (a status never moves back: read stays read)'),
  changed: z.boolean(),
});
export type TStatusResult = z.infer<typeof ZStatusResult>;

// ─── Sends ───────────────────────────────────────────────────────────────────

/** What a send on another channel carries. */
export const ZChannelSendContent = z
  .strictObject({ text: text(MAX_TEXT).optional(), media: ZChannelMedia.optional() })
  .refine((b) => b.text !== undefined || b.media !== undefined, textOrMedia);
export type TChannelSendContent = z.infer<typeof ZChannelSendContent>;

/** The body POSTed to the store's outbound URL, signed, webhook-id = messageId. */
export const ZOutboundPayload = z.object({
  storeId: z.string(),
  channel: z.string(),
  conversationId: z.string(),
  messageId: z.string(),
  externalId: z.string(),
  to: z.object({ handle: z.string(), name: z.string().nullable() }),
  text: z.string().nullable(),
  media: ZChannelMedia.nullable(),
});
export type TOutboundPayload = z.infer<typeof ZOutboundPayload>;

/** The message type a channel message is stored as: text, or what its media is. */
export function messageType(media: TChannelMedia | undefined | null): string {
  if (!media) return 'text';
  const kind = media.mimetype?.split('/')[0];
  return kind === 'image' || kind === 'video' || kind === 'audio' ? kind : 'document';
}
