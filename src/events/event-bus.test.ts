import { describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import type { SessionStatusEvent } from './domain-events.js';
import { DomainEventBus } from './event-bus.js';

const event: SessionStatusEvent = { storeId: 's', slot: 1, status: 'connected', at: new Date() };

describe('DomainEventBus', () => {
  it('delivers to every subscriber even when one throws or rejects', async () => {
    const bus = new DomainEventBus(pino({ level: 'silent' }));
    const seen: string[] = [];
    bus.on('session.status', 'throws', () => {
      throw new Error('boom');
    });
    bus.on('session.status', 'rejects', async () => Promise.reject(new Error('later boom')));
    bus.on('session.status', 'storage', (e) => {
      seen.push(e.status);
    });
    await expect(bus.emit('session.status', event)).resolves.toBeUndefined();
    expect(seen).toEqual(['connected']);
  });

  it('stops delivering after unsubscribe and keeps event types apart', async () => {
    const bus = new DomainEventBus(pino({ level: 'silent' }));
    let count = 0;
    const off = bus.on('session.status', 'counter', () => {
      count += 1;
    });
    await bus.emit('session.status', event);
    await bus.emit('session.qr', { storeId: 's', slot: 1, qr: 'x', qrDataUrl: 'd', expiresAt: new Date(), at: new Date() });
    off();
    await bus.emit('session.status', event);
    expect(count).toBe(1);
  });
});
