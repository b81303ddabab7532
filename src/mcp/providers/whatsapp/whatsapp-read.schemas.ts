// The WhatsApp read tools' contract: what an agent asks for (a chat, a contact or a message, by
// the ids these tools answer or by a number in any format) and what it gets back. Inputs are
// plain JSON (no transforms: the SDK shows them to the agent as JSON Schema); outputs restate the
// daemon's views trimmed to what an agent acts on, instants as ISO 8601 strings.
import { z } from 'zod';
import { ZRowId, ZSlotStatus } from '../../../kernel/index.js';

// ─── Shared pieces ───────────────────────────────────────────────────────────

/** The services trust what their routes' schemas let through: no control characters or broken Unicode. */
const NOT_PRINTABLE = /[\p{Cc}\p{Cs}]/u;
const ZText = (max: number) => z.string().trim().min(1).max(max).refine((v) => !NOT_PRINTABLE.test(v), 'must not contain control characters or broken Unicode');

const ZLimit = (max: number, fallback: number) => z.number().int().min(1).max(max).default(fallback).describe(`how many to answer, 1..${max} (default ${fallback})`);
const ZCursorInput = z.string().min(1).max(400).optional().describe('nextCursor of the previous answer, for the next page (with the same other arguments)');
const ZNextCursor = z.string().nullable().describe('give it back as cursor for the next page; null: this was the last');
const ZInstantInput = z.iso.datetime({ offset: true });

const ZConversationId = ZRowId.describe('a chat (conversation) id, as list_chats answers it');
const ZContactId = ZRowId.describe('a contact id, as search_contacts answers it');
const ZAddress = ZText(64).describe(
  "the contact's phone number in any common format (+55 11 98888-7777, 11988887777…; read in the store's country without +country code) or their WhatsApp JID (digits@s.whatsapp.net or digits@lid)",
);

/** Exactly one of the given keys is set. */
function exactlyOne<K extends string>(keys: K[]): [(v: Partial<Record<K, unknown>>) => boolean, { message: string; path: PropertyKey[] }] {
  return [(v) => keys.filter((k) => v[k] !== undefined).length === 1, { message: `give exactly one of ${keys.join(', ')}`, path: [keys[0]!] }];
}

export const ZContactRef = z.object({
  id: z.string(),
  name: z.string().nullable().describe("the store's name for the contact, else the name they gave WhatsApp"),
  phone: z.string().nullable().describe('E.164'),
  jid: z.string().nullable().describe('their WhatsApp address by phone number (digits@s.whatsapp.net)'),
  lid: z.string().nullable().describe('their WhatsApp address by LID (digits@lid), when WhatsApp gave one'),
});
export type TContactRef = z.infer<typeof ZContactRef>;

export const ZMessage = z.object({
  id: z.string(),
  conversationId: z.string().describe('the chat it is in'),
  direction: z.enum(['inbound', 'outbound']),
  fromMe: z.boolean().describe('true: the store sent it (from the API, the bot or the phone)'),
  type: z.string().describe('text, image, video, audio, document, sticker, location, contact, reaction…'),
  text: z.string().nullable().describe('the text, or the caption of a media message'),
  status: z.string().describe('received (inbound); queued, sending, sent, delivered, read, played or failed (outbound)'),
  timestamp: z.iso.datetime().describe("WhatsApp's time of the message (whole seconds)"),
  slot: z.number().int().nullable().describe("the store's WhatsApp number (slot) it came in on or went out from"),
  mimetype: z.string().nullable().describe('of its media, when it has some'),
  mediaUrl: z.string().nullable().describe("path of the daemon's GET …/messages/:id/media (store API key), once the media is stored"),
});
export type TMessage = z.infer<typeof ZMessage>;

export const ZChat = z.object({
  id: z.string(),
  status: z.enum(['open', 'closed']).describe("closed: ended (by the store, or a day's quiet); the contact's next message opens a new one"),
  slot: z.number().int().nullable().describe('the slot of its last message'),
  unread: z.number().int().describe('inbound messages since the store last read it'),
  startedAt: z.iso.datetime(),
  lastMessageAt: z.iso.datetime().nullable(),
});

export const ZChatView = z.object({
  chat: ZChat,
  contact: ZContactRef,
  messages: z.array(ZMessage).describe('the last ones, newest first'),
  nextCursor: ZNextCursor.describe('older messages: give it to list_messages as cursor with this conversationId; null: no older ones'),
});
export type TChatView = z.infer<typeof ZChatView>;

export const ZContact = z.object({
  id: z.string(),
  name: z.string().nullable(),
  pushName: z.string().nullable().describe('the name the person gave WhatsApp'),
  phone: z.string().nullable().describe('E.164'),
  jid: z.string().nullable().describe('WhatsApp address by phone number'),
  lid: z.string().nullable().describe('WhatsApp address by LID'),
  email: z.string().nullable(),
  notes: z.string().nullable(),
  tags: z.array(z.string()),
  optOut: z.boolean().describe('true: the person asked not to be messaged'),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  lastMessageAt: z.iso.datetime().nullable().describe('the last message of their most recent conversation (any channel); null: none yet'),
});
export type TContact = z.infer<typeof ZContact>;

// ─── list_chats ──────────────────────────────────────────────────────────────

export const ZListChatsInput = z.strictObject({
  status: z.enum(['open', 'closed', 'all']).default('open').describe('open (default): by latest message; closed or all: by when the chat started'),
  slot: z.number().int().min(1).max(10).optional().describe("only chats whose last message is on this slot (the store's WhatsApp number)"),
  query: ZText(200).optional().describe("part of the contact's name or phone number (any format)"),
  limit: ZLimit(100, 20),
  cursor: ZCursorInput,
});
export const ZChatListItem = z.object({
  id: z.string().describe('the conversationId the other tools take'),
  status: ZChat.shape.status,
  slot: ZChat.shape.slot,
  unread: ZChat.shape.unread,
  lastMessageAt: ZChat.shape.lastMessageAt,
  contact: ZContactRef,
  lastMessage: z
    .object({ id: z.string(), direction: z.enum(['inbound', 'outbound']), type: z.string(), text: z.string().nullable().describe('its first 200 characters') })
    .nullable(),
});
export type TChatListItem = z.infer<typeof ZChatListItem>;
export const ZListChatsOutput = z.object({
  chats: z.array(ZChatListItem).describe('newest first; a page may hold fewer than limit (a slot filter) while nextCursor is not null'),
  nextCursor: ZNextCursor,
});

// ─── list_messages ───────────────────────────────────────────────────────────

export const ZListMessagesInput = z
  .strictObject({
    conversationId: ZConversationId.optional().describe('one chat (or give contactId or phone)'),
    contactId: ZContactId.optional().describe('every WhatsApp chat of this contact, the latest first (or give conversationId or phone)'),
    phone: ZAddress.optional().describe('every WhatsApp chat of the contact with this number (any format) or JID (or give conversationId or contactId)'),
    after: ZInstantInput.optional().describe('only messages after this instant'),
    before: ZInstantInput.optional().describe('only messages before this instant'),
    query: ZText(200).optional().describe('only messages whose text contains this (case ignored)'),
    limit: ZLimit(100, 30),
    cursor: ZCursorInput,
  })
  .refine(...exactlyOne(['conversationId', 'contactId', 'phone']));
export const ZListMessagesOutput = z.object({
  messages: z.array(ZMessage).describe('newest first'),
  nextCursor: ZNextCursor.describe('older messages (with query: the search goes on from there); null: no more'),
});

// ─── get_chat, get_direct_chat_by_contact ────────────────────────────────────

export const ZGetChatInput = z
  .strictObject({
    conversationId: ZConversationId.optional().describe('the chat (or give phone)'),
    phone: ZAddress.optional().describe("the contact's number (any format) or JID: their current WhatsApp chat (or give conversationId)"),
    limit: ZLimit(100, 20).describe('how many of its last messages (default 20, at most 100)'),
  })
  .refine(...exactlyOne(['conversationId', 'phone']));

export const ZDirectChatInput = z
  .strictObject({
    contactId: ZContactId.optional().describe('the contact (or give phone)'),
    phone: ZAddress.optional().describe("the contact's number (any format) or JID (or give contactId)"),
    limit: ZLimit(100, 20).describe('how many of its last messages (default 20, at most 100)'),
  })
  .refine(...exactlyOne(['contactId', 'phone']));

// ─── get_message_context ─────────────────────────────────────────────────────

export const ZMessageContextInput = z.strictObject({
  messageId: ZRowId.describe('a message id, as list_messages answers it'),
  conversationId: ZConversationId.optional().describe('its chat, when known (list_messages answers it): a faster look-up'),
  around: z.number().int().min(0).max(50).default(5).describe('how many messages before and after it (default 5, at most 50)'),
});
export const ZMessageContextOutput = z.object({
  message: ZMessage,
  before: z.array(ZMessage).describe('the ones just before it, oldest first'),
  after: z.array(ZMessage).describe('the ones just after it, oldest first'),
  contact: ZContactRef,
});

// ─── get_last_interaction ────────────────────────────────────────────────────

export const ZContactChoiceInput = z
  .strictObject({
    contactId: ZContactId.optional().describe('the contact (or give phone)'),
    phone: ZAddress.optional().describe("the contact's number (any format) or JID (or give contactId)"),
  })
  .refine(...exactlyOne(['contactId', 'phone']));
export const ZLastInteractionOutput = z.object({
  contact: ZContactRef,
  message: ZMessage.nullable().describe('the latest message of their WhatsApp chats, either way; null: none yet'),
});

// ─── search_contacts, get_contact ────────────────────────────────────────────

export const ZSearchContactsInput = z.strictObject({
  query: ZText(200).describe('part of the name, push name or email (case and accents ignored), or of the phone number in any format'),
  limit: ZLimit(50, 20),
  cursor: ZCursorInput,
});
export const ZSearchContactsOutput = z.object({ contacts: z.array(ZContact).describe('newest first'), nextCursor: ZNextCursor });

export const ZGetContactInput = z
  .strictObject({
    id: ZContactId.optional().describe('the contact (or give phone)'),
    phone: ZAddress.optional().describe("the contact's number (any format) or JID (or give id)"),
  })
  .refine(...exactlyOne(['id', 'phone']));
export const ZGetContactOutput = z.object({
  contact: ZContact.extend({
    identities: z.array(z.object({ channel: z.string(), handle: z.string() })).describe('their handles on channels other than WhatsApp'),
  }),
});

// ─── session_status ──────────────────────────────────────────────────────────

export const ZSessionStatusInput = z.strictObject({});
export const ZSessionStatusOutput = z.object({
  slots: z
    .array(
      z.object({
        slot: z.number().int(),
        status: ZSlotStatus.describe('connected: sending and receiving; qrcode: waiting to be linked on /connections; the others: not connected (lastError may say why)'),
        isActive: z.boolean().describe('true: it is running or trying to'),
        phone: z.string().nullable().describe('the WhatsApp number linked to it'),
        jid: z.string().nullable(),
        lastError: z.string().nullable(),
        updatedAt: z.iso.datetime().nullable().describe('its last change of status; null: never used'),
      }),
    )
    .describe("every slot of the store, in order: the store's WhatsApp numbers"),
});
