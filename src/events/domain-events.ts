// The typed domain events. The WhatsApp side's (session.*, message.*) carry their slot: socket
// handlers only translate Baileys events into them. The store's records' (contact.*,
// conversation.*, appointment.*) are emitted by the domain that made the change, after it
// committed. Storage, the bot, webhooks, metrics and live streams subscribe.
import type { SlotRef, TSlotStatus } from '../kernel/index.js';

export type { SlotRef };

export interface SessionStatusEvent extends SlotRef {
  status: TSlotStatus;
  phone?: string | null;
  jidPn?: string | null;
  jidLid?: string | null;
  pushName?: string | null;
  lastError?: string | null;
  /** With `reconnecting`: the backoff before the next attempt (which reports `connecting`). */
  retryInMs?: number;
  at: Date;
}

export interface SessionQrEvent extends SlotRef {
  qr: string;
  qrDataUrl: string;
  expiresAt: Date;
  at: Date;
}

export interface MessageReceivedEvent extends SlotRef {
  waMessageId: string;
  /** The chat as Baileys addressed it (LID or PN). */
  remoteJid: string;
  /** The other address of the same person when WhatsApp sent it (PN for a LID chat and back). */
  remoteJidAlt: string | null;
  addressingMode: 'lid' | 'pn' | null;
  pushName: string | null;
  text: string | null;
  type: string;
  sentAt: Date;
  /**
   * `live` arrived while connected; `offline` was held by WhatsApp while the slot was down and
   * delivered on reconnect (Baileys' upsert type `append`). Both are real inbound messages:
   * storage keeps both, the bot may weigh their age.
   */
  delivery: 'live' | 'offline';
  /** A group chat (remoteJid is the group; `participant` the member who wrote). */
  isGroup: boolean;
  participant: string | null;
  /** The member's other address in a group, when WhatsApp sent it (`participant_pn` / `participant_lid`). */
  participantAlt: string | null;
  /** JSON-safe fields of the content (caption, mimetype, file name and size, location, reaction…). */
  metadata: Record<string, string | number | boolean | null>;
  /** The WAMessage as protobuf bytes (proto.WebMessageInfo), what storage keeps. */
  payload: Uint8Array;
  /** The Baileys message, for subscribers that need more than the text. */
  raw: unknown;
}

/**
 * A message of the store's own number, as WhatsApp reports it: typed on the phone itself (or on
 * another linked device), or one this daemon sent (Baileys reports those too, under the WhatsApp
 * id the send queue already stored). Never answered: it is the store talking.
 */
export interface MessageSentEvent extends SlotRef {
  waMessageId: string;
  /** The chat (the contact, or a group), as Baileys addressed it. */
  remoteJid: string;
  /** The contact's other address when WhatsApp sent it (PN for a LID chat and back). */
  remoteJidAlt: string | null;
  text: string | null;
  type: string;
  sentAt: Date;
  /** As for `message.received`: `offline` arrived in the backlog of a reconnect. */
  delivery: 'live' | 'offline';
  isGroup: boolean;
  metadata: Record<string, string | number | boolean | null>;
  /** proto.WebMessageInfo bytes. */
  payload: Uint8Array;
}

/** One message of the chat history WhatsApp hands a newly linked device. */
export interface PastMessage {
  waMessageId: string;
  /** The chat, as the history names it (LID or PN). */
  remoteJid: string;
  /** The other address of the chat's person, when the history's chat list gave it. */
  remoteJidAlt: string | null;
  /** Written from the store's own phone (outbound), not by the contact. */
  fromMe: boolean;
  pushName: string | null;
  text: string | null;
  type: string;
  sentAt: Date;
  isGroup: boolean;
  participant: string | null;
  participantAlt: string | null;
  metadata: Record<string, string | number | boolean | null>;
  /** proto.WebMessageInfo bytes, as for a live message. */
  payload: Uint8Array;
}

/**
 * A chunk of the history WhatsApp sends after a new link (`messaging-history.set`). These are past
 * messages: storage keeps them as such, and nothing answers them (they are never
 * `message.received`).
 */
export interface MessageHistoryEvent extends SlotRef {
  /** WhatsApp's sync type name: INITIAL_BOOTSTRAP, RECENT, FULL, ON_DEMAND… */
  syncType: string;
  messages: PastMessage[];
  at: Date;
}

export interface MessageStatusEvent extends SlotRef {
  waMessageId: string;
  remoteJid: string;
  /** pending < server_ack < delivered < read < played; error is terminal. */
  status: 'error' | 'pending' | 'server_ack' | 'delivered' | 'read' | 'played';
  /** With `error`: WhatsApp's code (463: the reach-out timelock on new chats). */
  errorCode?: string;
  at: Date;
}

/** A contact changed one of its earlier messages: deleted it for everyone, edited it, reacted to it. */
export interface MessageChangedEvent extends SlotRef {
  /** The changed message's WhatsApp id. */
  targetWaMessageId: string;
  /** The chat, as Baileys addressed it. */
  remoteJid: string;
  change: 'revoked' | 'edited' | 'reaction';
  /** The new text of an edit. */
  text: string | null;
  /** The reaction's emoji; empty when the reaction was taken back. */
  reaction: string | null;
  /** Who reacted (the chat for a one-to-one chat, the member in a group). */
  from: string;
  at: Date;
}

// ─── The store's records (CRM). No slot: delivered in order per store. ───────

/** Who made a change: WhatsApp traffic, another channel's webhook, or a route of the API. */
export type ChangeSource = 'whatsapp' | 'channel' | 'api';

export interface ContactCreatedEvent {
  storeId: string;
  contactId: string;
  source: ChangeSource;
  at: Date;
}

export interface ContactUpdatedEvent {
  storeId: string;
  contactId: string;
  /** The fields that changed (`merged` when another contact was merged into this one). */
  fields: string[];
  /** The contact merged into this one and deleted, for `merged`. */
  mergedContactId?: string;
  source: ChangeSource;
  at: Date;
}

export interface ConversationChangedEvent {
  storeId: string;
  conversationId: string;
  contactId: string;
  channel: string;
  source: ChangeSource;
  at: Date;
}

export interface AppointmentChangedEvent {
  storeId: string;
  appointmentId: string;
  contactId: string;
  serviceId: string | null;
  status: string;
  startsAt: Date;
  endsAt: Date;
  at: Date;
}

// ─── The bot. Per slot: a reply and a handoff happen in the slot the customer wrote to. ──────

export interface BotRepliedEvent extends SlotRef {
  turnId: string;
  conversationId: string;
  contactId: string;
  /** The queued messages of the reply (one, or a few for a long answer). */
  messageIds: string[];
  /** replied, or a fixed answer: closed_notice, voice_note, handoff. */
  outcome: string;
  model: string | null;
  at: Date;
}

export interface BotHandoffEvent extends SlotRef {
  contactId: string;
  conversationId: string | null;
  /** keyword: the customer asked for a person; tool: the model handed off. */
  trigger: 'keyword' | 'tool';
  reason: string;
  pausedUntil: Date;
  at: Date;
}

export interface DomainEvents {
  'session.status': SessionStatusEvent;
  'session.qr': SessionQrEvent;
  'message.received': MessageReceivedEvent;
  'message.sent': MessageSentEvent;
  'message.status': MessageStatusEvent;
  'message.changed': MessageChangedEvent;
  'message.history': MessageHistoryEvent;
  'contact.created': ContactCreatedEvent;
  'contact.updated': ContactUpdatedEvent;
  'conversation.opened': ConversationChangedEvent;
  'conversation.closed': ConversationChangedEvent;
  'appointment.created': AppointmentChangedEvent;
  'appointment.updated': AppointmentChangedEvent;
  'appointment.cancelled': AppointmentChangedEvent;
  'bot.replied': BotRepliedEvent;
  'bot.handoff': BotHandoffEvent;
}

export type DomainEventName = keyof DomainEvents;
