// The store's records a WhatsApp message made (a new lead, a thread opened or reopened), told to
// the bus once the message's transaction has committed. Not awaited: they are ordered per store,
// apart from the slot whose delivery is running, and the webhooks and streams subscribe to them.
import type { DomainEventBus } from '../events/event-bus.js';

export interface MadeRecords {
  storeId: string;
  contactId?: string | null;
  conversationId?: string | null;
  made?: { contact: boolean; conversation: boolean };
}

export function announceMade(bus: DomainEventBus, r: MadeRecords): void {
  if (!r.made || !r.contactId) return;
  const at = new Date();
  if (r.made.contact) void bus.emit('contact.created', { storeId: r.storeId, contactId: r.contactId, source: 'whatsapp', at });
  if (r.made.conversation && r.conversationId) {
    void bus.emit('conversation.opened', { storeId: r.storeId, conversationId: r.conversationId, contactId: r.contactId, channel: 'whatsapp', source: 'whatsapp', at });
  }
}
