// The conversations' contract: listing a store's threads, closing and reopening one, marking one
// read, and sending into one on its own channel.
import { z } from 'zod';
import { ZPageQuery } from '../http/pagination.js';
import { ZChannel, ZRowId } from '../kernel/index.js';

export const ZConversationListQuery = ZPageQuery.extend({
  contactId: ZRowId.optional(),
  status: z.enum(['open', 'closed']).optional(),
  channel: ZChannel.optional(),
});
export type TConversationListQuery = z.output<typeof ZConversationListQuery>;

export const ZConversationView = z.object({
  id: z.string(),
  contactId: z.string(),
  channel: z.string(),
  status: z.enum(['open', 'closed']),
  slot: z.number().int().nullable().describe('WhatsApp: the slot of its last message'),
  unread: z.number().int(),
  startedAt: z.iso.datetime(),
  endedAt: z.iso.datetime().nullable(),
  lastMessageAt: z.iso.datetime().nullable(),
});
export type TConversationView = z.infer<typeof ZConversationView>;
export const ZConversationList = z.object({ data: z.array(ZConversationView).describe('newest first'), nextCursor: z.string().nullable() });
export type TConversationList = z.infer<typeof ZConversationList>;

export const ZReadBody = z.strictObject({
  receipts: z.boolean().default(false).describe('WhatsApp: also send read receipts (blue ticks) for the unread messages'),
});
export const ZReadResult = z.object({
  conversation: ZConversationView,
  receipts: z
    .object({ sent: z.number().int(), error: z.string().nullable().describe('why some were not sent (e.g. the slot is not connected)') })
    .nullable()
    .describe('null when none were asked for, or none were unread'),
});
export type TReadResult = z.infer<typeof ZReadResult>;

const MIME = /^[a-z]+\/[a-z0-9.+-]+$/i;
export const ZConversationSend = z
  .strictObject({
    text: z.string().min(1).max(4096).optional(),
    media: z
      .strictObject({
        url: z.url({ protocol: /^https?$/ }).max(2048).optional(),
        base64: z.base64().optional(),
        mimetype: z.string().max(127).regex(MIME, 'must be a MIME type like image/jpeg'),
        caption: z.string().max(1024).optional(),
        fileName: z.string().min(1).max(255).optional(),
      })
      .refine((m) => (m.url === undefined) !== (m.base64 === undefined), { message: 'give exactly one of url or base64', path: ['url'] })
      .optional(),
  })
  .refine((b) => (b.text === undefined) !== (b.media === undefined), { message: 'give exactly one of text or media', path: ['text'] });
export type TConversationSend = z.infer<typeof ZConversationSend>;

export const ZConversationSent = z.object({
  id: z.string().describe('the message'),
  channel: z.string(),
  status: z.string().describe('queued: it goes out in order, on the conversation’s channel'),
});
export type TConversationSent = z.infer<typeof ZConversationSent>;
