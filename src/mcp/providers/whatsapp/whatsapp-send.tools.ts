// The WhatsApp provider's tools that act: sends (each through the outbound service, so the send
// governor, the quiet hours and the durable queue apply exactly as to the dashboard's sends),
// typing, number checks and read marks. A send answers once it is queued: the agent follows its
// status with list_messages.
import { z } from 'zod';
import { ZReadResult } from '../../../conversations/index.js';
import { MAX_TEXT_LENGTH, ZCheckNumbersResult, ZPresenceResult, ZSendAccepted, type TSendRequest } from '../../../outbound/index.js';
import { defineTool, type McpTool, type ProviderCall, type ToolHints } from '../../provider.js';
import type { McpServices } from '../../services.js';
import type { TWhatsAppConfig, TWhatsAppSecret } from './whatsapp.schemas.js';

const SEND: ToolHints = { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true };
const ZTo = z.string().trim().min(3).max(64).describe('a phone number in any common format (read in the store\'s country when it has no +), or a JID');
const ZSlot = z.number().int().min(1).max(10).optional().describe('the slot to send from; default: the connection\'s, else the one the contact last wrote to, else the first connected');
const ZMessageId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).describe('a message id as list_messages gives it');
const ZIdempotencyKey = z.string().regex(/^[\x21-\x7e]{1,128}$/).optional().describe('the same key again answers with the first send instead of sending twice');
const ZAccepted = ZSendAccepted.describe('queued: follow its status with list_messages');

type Call = ProviderCall<TWhatsAppConfig, TWhatsAppSecret, McpServices>;

export function whatsappSendTools(call: Call): McpTool[] {
  const { outbound, conversations } = call.services;
  const slotOf = (asked: number | undefined) => asked ?? call.config.defaultSlot;
  const send = (request: TSendRequest, idempotencyKey: string | undefined) => outbound.send(call.storeId, request, idempotencyKey, { origin: 'mcp', connectionId: call.connectionId });

  return [
    defineTool({
      name: 'send_message',
      title: 'Send a WhatsApp text',
      description: 'Sends a text to a phone number or JID from one of the store\'s WhatsApp numbers; it shows in the CRM like any other reply. Optionally a reply to one of the chat\'s messages.',
      input: z.object({ to: ZTo, text: z.string().min(1).max(MAX_TEXT_LENGTH), slot: ZSlot, replyTo: ZMessageId.optional().describe('a message of this chat to quote'), idempotencyKey: ZIdempotencyKey }),
      output: ZAccepted,
      hints: SEND,
      run: (a) => send({ type: 'text', to: a.to, text: a.text, slot: slotOf(a.slot), ...(a.replyTo ? { options: { quotedId: a.replyTo } } : {}) }, a.idempotencyKey),
    }),
    defineTool({
      name: 'send_media',
      title: 'Send an image, document, voice note or video',
      description: 'Sends media fetched from a public https URL: an image, a document (with its file name), a voice note (shown as recorded), an audio file or a video, with an optional caption.',
      input: z.object({
        to: ZTo,
        kind: z.enum(['image', 'document', 'voice', 'audio', 'video']),
        url: z.url({ protocol: /^https?$/ }).max(2048),
        caption: z.string().max(1024).optional(),
        fileName: z.string().min(1).max(255).optional().describe('documents: the name the contact sees'),
        mimetype: z.string().max(127).regex(/^[a-z]+\/[a-z0-9.+-]+$/i).optional().describe('default: what the URL answers with'),
        slot: ZSlot,
        idempotencyKey: ZIdempotencyKey,
      }),
      output: ZAccepted,
      hints: SEND,
      run: (a) => {
        const common = { to: a.to, url: a.url, slot: slotOf(a.slot), ...(a.mimetype ? { mimetype: a.mimetype } : {}) };
        if (a.kind === 'voice' || a.kind === 'audio') return send({ ...common, type: 'audio', ptt: a.kind === 'voice' }, a.idempotencyKey);
        const captioned = { ...common, ...(a.caption ? { caption: a.caption } : {}) };
        if (a.kind === 'document') return send({ ...captioned, type: 'document', ...(a.fileName ? { fileName: a.fileName } : {}) }, a.idempotencyKey);
        return send({ ...captioned, type: a.kind }, a.idempotencyKey);
      },
    }),
    defineTool({
      name: 'send_location',
      title: 'Send a location',
      description: 'Sends a map pin (the store\'s address, a delivery point) with an optional name and address.',
      input: z.object({ to: ZTo, latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180), name: z.string().max(256).optional(), address: z.string().max(512).optional(), slot: ZSlot, idempotencyKey: ZIdempotencyKey }),
      output: ZAccepted,
      hints: SEND,
      run: (a) => send({ type: 'location', to: a.to, latitude: a.latitude, longitude: a.longitude, slot: slotOf(a.slot), ...(a.name ? { name: a.name } : {}), ...(a.address ? { address: a.address } : {}) }, a.idempotencyKey),
    }),
    defineTool({
      name: 'send_reaction',
      title: 'React to a message',
      description: 'Puts an emoji reaction on a message of the chat (an empty emoji takes the reaction back).',
      input: z.object({ to: ZTo.describe('the chat the message is in'), messageId: ZMessageId, emoji: z.string().max(16), slot: ZSlot }),
      output: ZAccepted,
      // Reacting again with the same emoji changes nothing the contact sees.
      hints: { ...SEND, idempotentHint: true },
      run: (a) => send({ type: 'reaction', to: a.to, messageId: a.messageId, emoji: a.emoji, slot: slotOf(a.slot) }, undefined),
    }),
    defineTool({
      name: 'forward_message',
      title: 'Forward a message',
      description: 'Forwards one of the store\'s messages (from any chat) to another number; WhatsApp marks it "Forwarded".',
      input: z.object({ messageId: ZMessageId, to: ZTo, slot: ZSlot, idempotencyKey: ZIdempotencyKey }),
      output: ZAccepted,
      hints: SEND,
      run: (a) => send({ type: 'forward', to: a.to, messageId: a.messageId, slot: slotOf(a.slot) }, a.idempotencyKey),
    }),
    defineTool({
      name: 'start_typing',
      title: 'Show typing…',
      description: 'Shows "typing…" (or "recording audio…") in a chat until a message is sent or WhatsApp lets it lapse; `paused` ends it.',
      input: z.object({ to: ZTo, state: z.enum(['composing', 'recording', 'paused']).default('composing'), slot: ZSlot }),
      output: ZPresenceResult,
      hints: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
      run: (a) => outbound.showPresence(call.storeId, { to: a.to, state: a.state, slot: slotOf(a.slot) }),
    }),
    defineTool({
      name: 'check_number',
      title: 'Check numbers on WhatsApp',
      description: 'Says which phone numbers have WhatsApp, and the JID to send each to (asked on a connected slot).',
      input: z.object({ numbers: z.array(z.string().trim().min(3).max(40)).min(1).max(50), slot: ZSlot }),
      output: ZCheckNumbersResult,
      hints: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
      run: (a) => outbound.checkNumbers(call.storeId, { numbers: a.numbers, slot: slotOf(a.slot) }),
    }),
    defineTool({
      name: 'mark_read',
      title: 'Mark a chat read',
      description: 'Marks a conversation read in the CRM and, unless receipts is false, sends WhatsApp read receipts (blue ticks) for its unread messages.',
      input: z.object({ conversationId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/), receipts: z.boolean().default(true) }),
      output: ZReadResult,
      hints: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
      run: (a) => conversations.markRead(call.storeId, a.conversationId, a.receipts),
    }),
  ];
}
