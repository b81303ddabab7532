import { z } from 'zod';
import { ZChannel, ZRowId, ZStoreId } from '../kernel/index.js';

import { ZPageQuery } from '../http/pagination.js';

export { encodeCursor, ZCursor, ZPageQuery, type TCursor, type TPageQuery } from '../http/pagination.js';
export { ZStoreParams } from '../kernel/index.js';

export const ZConversationParams = z.strictObject({ storeId: ZStoreId, id: ZRowId.describe('a conversation id') });

/** The inbox's filters: unread only, one channel, one WhatsApp slot. */
export const ZInboxQuery = ZPageQuery.extend({
  unread: z.enum(['true', 'false']).transform((v) => v === 'true').optional().describe('true: only conversations with unread messages'),
  channel: ZChannel.optional(),
  slot: z.coerce.number().int().min(1).max(10).optional().describe('WhatsApp: the slot of the last message'),
});
export type TInboxQuery = z.output<typeof ZInboxQuery>;

export const ZContactSummary = z.object({
  id: z.string(),
  name: z.string().nullable(),
  pushName: z.string().nullable(),
  phone: z.string().nullable(),
  jidPn: z.string().nullable(),
  jidLid: z.string().nullable(),
});

export const ZInboxItem = z.object({
  conversationId: z.string(),
  channel: z.string(),
  contact: ZContactSummary,
  slot: z.number().int().nullable().describe('the slot the last message came in on'),
  unread: z.number().int(),
  lastMessageAt: z.iso.datetime().nullable(),
  lastMessage: z.object({ id: z.string(), type: z.string(), text: z.string().nullable(), direction: z.string() }).nullable().describe('its snippet'),
});
export const ZInboxPage = z.object({ data: z.array(ZInboxItem), nextCursor: z.string().nullable() });
export type TInboxPage = z.infer<typeof ZInboxPage>;

/** Where a stored message's media is served (media.routes.ts). */
export function mediaPath(storeId: string, messageId: string): string {
  return `/api/client/${storeId}/messages/${messageId}/media`;
}

export const ZMessageView = z.object({
  id: z.string(),
  channel: z.string().describe('whatsapp, or the other channel it came or went on'),
  slot: z.number().int().nullable().describe('the WhatsApp slot; null on another channel'),
  direction: z.string(),
  type: z.string(),
  text: z.string().nullable(),
  status: z.string(),
  metadata: z.record(z.string(), z.unknown()),
  sentAt: z.iso.datetime(),
  media: z
    .object({
      status: z.enum(['pending', 'downloading', 'stored', 'failed', 'too_large']),
      mimetype: z.string().nullable(),
      size: z.number().int().nullable(),
      sha256: z.string().nullable().describe('hex sha256 of the file'),
    })
    .nullable()
    .describe('the inbound media and how far its download got; null for a message without media'),
  mediaUrl: z.string().nullable().describe('path of GET …/messages/:id/media, once the media is stored'),
});
export const ZConversationPage = z.object({
  conversation: z.object({
    id: z.string(),
    channel: z.string(),
    status: z.string(),
    slot: z.number().int().nullable(),
    unread: z.number().int(),
    startedAt: z.iso.datetime(),
    lastMessageAt: z.iso.datetime().nullable(),
    contact: ZContactSummary,
  }),
  messages: z.array(ZMessageView).describe('newest first'),
  nextCursor: z.string().nullable(),
});
export type TConversationPage = z.infer<typeof ZConversationPage>;
