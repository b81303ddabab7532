import { describe, expect, it } from '@jest/globals';
import type { MessageReceivedEvent } from '../events/domain-events.js';
import { toOutboxEvent } from './webhook-events.js';

const received = (over: Partial<MessageReceivedEvent> = {}): MessageReceivedEvent => ({
  storeId: 'store-1', slot: 1, waMessageId: 'ABC123', remoteJid: '5511999990000@s.whatsapp.net', remoteJidAlt: null, addressingMode: 'pn',
  pushName: 'Ana', text: 'oi', type: 'text', sentAt: new Date('2026-12-02T10:00:00Z'), delivery: 'live', isGroup: false, participant: null,
  participantAlt: null, metadata: {}, payload: new Uint8Array([1, 2, 3]), raw: { key: { id: 'ABC123' } }, ...over,
});

describe('toOutboxEvent', () => {
  it('names a redelivered message as the same event, and another message as another', () => {
    const first = toOutboxEvent('message.received', received());
    expect(toOutboxEvent('message.received', received({ delivery: 'offline' })).eventId).toBe(first.eventId);
    expect(toOutboxEvent('message.received', received({ waMessageId: 'ABC124' })).eventId).not.toBe(first.eventId);
    expect(toOutboxEvent('message.received', received({ slot: 2 })).eventId).not.toBe(first.eventId);
    expect(toOutboxEvent('message.sent', received() as never).eventId).not.toBe(first.eventId);
  });

  it('carries the event without its protobuf bytes or Baileys\' raw message, dates as ISO, in the body', () => {
    const e = toOutboxEvent('message.received', received());
    expect(e.body).toEqual({ id: e.eventId, type: 'message.received', storeId: 'store-1', timestamp: '2026-12-02T10:00:00.000Z', data: expect.any(Object) });
    expect(e.body.data).not.toHaveProperty('payload');
    expect(e.body.data).not.toHaveProperty('raw');
    expect(e.body.data).toMatchObject({ waMessageId: 'ABC123', sentAt: '2026-12-02T10:00:00.000Z', text: 'oi' });
    expect(e.orderingKey).toBe('chat:1:5511999990000@s.whatsapp.net');
  });

  it('orders by conversation when the event names one, else by slot, else not at all', () => {
    const at = new Date('2026-12-02T10:00:00Z');
    expect(toOutboxEvent('conversation.opened', { storeId: 's', conversationId: 'c1', contactId: 'k', channel: 'whatsapp', source: 'whatsapp', at }).orderingKey).toBe('conversation:c1');
    expect(toOutboxEvent('session.status', { storeId: 's', slot: 2, status: 'connected', at }).orderingKey).toBe('slot:2');
    expect(toOutboxEvent('contact.created', { storeId: 's', contactId: 'k', source: 'api', at }).orderingKey).toBeNull();
  });
});
