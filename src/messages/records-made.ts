// The store's records a WhatsApp message made (a new lead, a thread opened or reopened) as domain
// events, told to the bus once the message's transaction has committed. Not awaited: they are
// ordered per store, apart from the slot whose delivery is running, and the webhooks and streams
// subscribe to them. Inbound storage also writes them to the webhook outbox inside its
// transaction (the same objects, so the same event ids: the bus's copy adds nothing there).
import type { ContactCreatedEvent, ConversationChangedEvent } from '../events/domain-events.js';
import type { DomainEventBus } from '../events/event-bus.js';

export interface MadeRecords {
  storeId: string;
  contactId?: string | null;
  conversationId?: string | null;
  made?: { contact: boolean; conversation: boolean };
}

export type MadeEvent = { type: 'contact.created'; event: ContactCreatedEvent } | { type: 'conversation.opened'; event: ConversationChangedEvent };

export function madeEvents(r: MadeRecords, at: Date = new Date()): MadeEvent[] {
  if (!r.made || !r.contactId) return [];
  const events: MadeEvent[] = [];
  if (r.made.contact) events.push({ type: 'contact.created', event: { storeId: r.storeId, contactId: r.contactId, source: 'whatsapp', at } });
  if (r.made.conversation && r.conversationId) {
    events.push({ type: 'conversation.opened', event: { storeId: r.storeId, conversationId: r.conversationId, contactId: r.contactId, channel: 'whatsapp', source: 'whatsapp', at } });
  }
  return events;
}

export function announceMade(bus: DomainEventBus, events: readonly MadeEvent[]): void {
  for (const e of events) void bus.emit(e.type, e.event as never);
}
