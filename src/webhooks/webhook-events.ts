// What a webhook carries: which domain events a hook may ask for, and the body each becomes —
// { id, type, storeId, timestamp, data }. The data is the event as the bus carries it, without
// what is internal (the raw protobuf bytes, Baileys' raw message), dates as ISO strings.
//
// The event id is derived from the event itself, so an event the bus delivers twice (a message
// WhatsApp redelivered after a crash, now marked offline) is enqueued once per hook (unique
// (webhook_id, event_id)): a message's events are named by the message, the others by all they say.
// The ordering key keeps one conversation's (or one chat's, or one slot's) deliveries in order.
import { createHash } from 'node:crypto';
import type { DomainEventName, DomainEvents } from '../events/domain-events.js';

export const WEBHOOK_EVENTS = [
  'message.received',
  'message.sent',
  'message.status',
  'session.status',
  'session.qr',
  'bot.replied',
  'bot.handoff',
  'appointment.created',
  'appointment.updated',
  'appointment.cancelled',
  'contact.created',
  'contact.updated',
  'conversation.opened',
  'conversation.closed',
] as const satisfies readonly DomainEventName[];

export type WebhookEventName = (typeof WEBHOOK_EVENTS)[number];

/** Fields of an event that never leave the daemon. */
const INTERNAL = new Set(['payload', 'raw']);

export interface OutboxEvent {
  eventId: string;
  type: WebhookEventName;
  orderingKey: string | null;
  body: { id: string; type: WebhookEventName; storeId: string; timestamp: string; data: Record<string, unknown> };
}

function dataOf(event: object): Record<string, unknown> {
  return JSON.parse(JSON.stringify(event, (key, value: unknown) => (INTERNAL.has(key) || value instanceof Uint8Array ? undefined : value))) as Record<string, unknown>;
}

function orderingKeyOf(data: Record<string, unknown>): string | null {
  if (typeof data.conversationId === 'string') return `conversation:${data.conversationId}`;
  if (typeof data.remoteJid === 'string') return `chat:${data.slot}:${data.remoteJid}`;
  if (typeof data.slot === 'number') return `slot:${data.slot}`;
  return null;
}

/** What makes this event this one, and not a redelivery of it. */
function identityOf(type: WebhookEventName, data: Record<string, unknown>): string {
  if (type === 'message.received' || type === 'message.sent') return [data.storeId, data.slot, data.waMessageId].join('\u0000');
  if (type === 'message.status') return [data.storeId, data.slot, data.waMessageId, data.status].join('\u0000');
  return JSON.stringify(data);
}

export function toOutboxEvent<K extends WebhookEventName>(type: K, event: DomainEvents[K]): OutboxEvent {
  const data = dataOf(event);
  const storeId = String(data.storeId);
  const eventId = `evt_${createHash('sha256').update(type).update('\u0000').update(identityOf(type, data)).digest('base64url').slice(0, 32)}`;
  const at = (event as { at?: Date; sentAt?: Date }).at ?? (event as { sentAt?: Date }).sentAt ?? new Date();
  return { eventId, type, orderingKey: orderingKeyOf(data), body: { id: eventId, type, storeId, timestamp: at.toISOString(), data } };
}

/**
 * A message's event once storage placed it: its row, contact and conversation named in the data,
 * and ordered by the conversation (after the thread's conversation.opened, before its next event).
 * The hot path does the same in SQL (messages/inbound-queries.ts).
 */
export function withStoredMessage(event: OutboxEvent, stored: { messageId: string; contactId: string; conversationId: string | null }): OutboxEvent {
  const data = { ...event.body.data, messageId: stored.messageId, contactId: stored.contactId, conversationId: stored.conversationId };
  return { ...event, orderingKey: stored.conversationId ? `conversation:${stored.conversationId}` : event.orderingKey, body: { ...event.body, data } };
}
