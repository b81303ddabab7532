// Rows the contacts tests start from, written straight to the database, and what the bus
// announced while a test ran.
import type { AppHarness } from '../support/app-harness.js';
import type { DomainEventName, DomainEvents } from '../../src/events/domain-events.js';
import type { MessageReceivedEvent } from '../../src/events/domain-events.js';

let seq = 0;
const next = () => ++seq;

export type Store = { storeId: string; apiKey: string };

export function contactsApi(h: AppHarness, store: Store) {
  const base = `/api/client/${store.storeId}/contacts`;
  return {
    base,
    list: (query = '') => h.request('GET', `${base}${query}`, { key: store.apiKey }),
    get: (id: string) => h.request('GET', `${base}/${id}`, { key: store.apiKey }),
    create: (body: unknown) => h.request('POST', base, { key: store.apiKey, body }),
    patch: (id: string, body: unknown) => h.request('PATCH', `${base}/${id}`, { key: store.apiKey, body }),
    merge: (id: string, body: unknown) => h.request('POST', `${base}/${id}/merge`, { key: store.apiKey, body }),
    profile: (id: string) => h.request('GET', `${base}/${id}/profile`, { key: store.apiKey }),
  };
}

export function makeContact(h: AppHarness, storeId: string, data: { name?: string | null; pushName?: string | null; phone?: string | null; jidPn?: string | null; jidLid?: string | null; email?: string | null; notes?: string | null; tags?: string[]; optOut?: boolean; createdAt?: Date } = {}) {
  return h.db.prisma.contact.create({ data: { storeId, ...data } });
}

export function makeConversation(h: AppHarness, storeId: string, contactId: string, data: { channel?: string; status?: string; lastMessageAt?: Date | null; startedAt?: Date; unreadCount?: number } = {}) {
  const channel = data.channel ?? 'whatsapp';
  return h.db.prisma.conversation.create({
    data: { storeId, contactId, channel, slot: channel === 'whatsapp' ? 1 : null, status: data.status ?? 'open', lastMessageAt: data.lastMessageAt ?? new Date(), ...(data.startedAt ? { startedAt: data.startedAt } : {}), unreadCount: data.unreadCount ?? 0 },
  });
}

export function makeMessage(h: AppHarness, storeId: string, contactId: string, conversationId: string | null, data: { channel?: string; text?: string; sentAt?: Date; direction?: string } = {}) {
  const channel = data.channel ?? 'whatsapp';
  const direction = data.direction ?? 'inbound';
  return h.db.prisma.message.create({
    data: {
      storeId, contactId, conversationId, channel, slot: channel === 'whatsapp' ? 1 : null, waMessageId: `M${next()}`, remoteJid: 'x@s.whatsapp.net',
      direction, type: 'text', text: data.text ?? `message ${seq}`, status: direction === 'inbound' ? 'received' : 'sent', sentAt: data.sentAt ?? new Date(),
    },
  });
}

/** A WhatsApp message from `jidPn`, as socket-events.ts would hand it to storage. */
export function whatsappMessageFrom(storeId: string, jidPn: string, text: string): MessageReceivedEvent {
  return {
    storeId, slot: 1, waMessageId: `WA${next()}`, remoteJid: jidPn, remoteJidAlt: null, addressingMode: 'pn', pushName: null, text, type: 'text',
    sentAt: new Date(), delivery: 'live', isGroup: false, participant: null, participantAlt: null, metadata: {}, payload: new Uint8Array([1]), raw: null,
  };
}

/** Records the events of these names from now on; `stop()` unsubscribes. */
export function recordEvents<K extends DomainEventName>(h: AppHarness, names: K[]) {
  const seen: Array<{ name: K; event: DomainEvents[K] }> = [];
  const offs = names.map((name) => h.bus.on(name, 'test-recorder', (event) => void seen.push({ name, event }), { durable: true }));
  return { seen, stop: () => offs.forEach((off) => off()) };
}

/** Every contact row of the store, as it is now (to assert that nothing was written). */
export function snapshotContacts(h: AppHarness, storeId: string) {
  return h.db.prisma.contact.findMany({ where: { storeId }, orderBy: { id: 'asc' } });
}
