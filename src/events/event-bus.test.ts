import { describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import type { SessionStatusEvent } from './domain-events.js';
import { DomainEventBus } from './event-bus.js';

const silent = pino({ level: 'silent' });
const status = (slot: number, s: SessionStatusEvent['status'], storeId = 's'): SessionStatusEvent => ({ storeId, slot, status: s, at: new Date() });
const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('DomainEventBus', () => {
  it('delivers to every subscriber even when one throws or rejects', async () => {
    const bus = new DomainEventBus(silent);
    const seen: string[] = [];
    bus.on('session.status', 'throws', () => {
      throw new Error('boom');
    }, { durable: true });
    bus.on('session.status', 'rejects', async () => Promise.reject(new Error('later boom')));
    bus.on('session.status', 'storage', (e) => {
      seen.push(e.status);
    });
    await expect(bus.emit('session.status', status(1, 'connected'))).resolves.toBeUndefined();
    await bus.drain();
    expect(seen).toEqual(['connected']);
  });

  it('stops delivering after unsubscribe and keeps event types apart', async () => {
    const bus = new DomainEventBus(silent);
    let count = 0;
    const off = bus.on('session.status', 'counter', () => {
      count += 1;
    }, { durable: true });
    await bus.emit('session.status', status(1, 'connected'));
    await bus.emit('session.qr', { storeId: 's', slot: 1, qr: 'x', qrDataUrl: 'd', expiresAt: new Date(), at: new Date() });
    off();
    await bus.emit('session.status', status(1, 'connected'));
    expect(count).toBe(1);
  });

  it('delivers one slot in emit order even when an earlier event is slow, without holding other slots', async () => {
    const bus = new DomainEventBus(silent);
    const seen: string[] = [];
    let releaseFirst!: () => void;
    const firstHeld = new Promise<void>((r) => (releaseFirst = r));
    bus.on('session.status', 'storage', async (e) => {
      if (e.slot === 1 && e.status === 'connecting') await firstHeld;
      seen.push(`${e.slot}:${e.status}`);
    }, { durable: true });
    // The emitter does not wait, as a socket handler cannot.
    void bus.emit('session.status', status(1, 'connecting'));
    void bus.emit('session.status', status(1, 'connected'));
    await bus.emit('session.status', status(2, 'connected'));
    expect(seen).toEqual(['2:connected']);
    releaseFirst();
    await bus.drain({ storeId: 's', slot: 1 });
    expect(seen).toEqual(['2:connected', '1:connecting', '1:connected']);
  });

  it('awaits durable subscribers before feeding the others, and does not wait for the others', async () => {
    const bus = new DomainEventBus(silent);
    const order: string[] = [];
    let releaseLive!: () => void;
    bus.on('session.status', 'live-stream', async () => {
      order.push('live:start');
      await new Promise<void>((r) => (releaseLive = r));
      order.push('live:end');
    });
    bus.on('session.status', 'storage', async () => {
      await tick(20);
      order.push('storage');
    }, { durable: true });
    await bus.emit('session.status', status(1, 'connected'));
    // storage ran to completion first; the live subscriber started after it and is still running.
    expect(order).toEqual(['storage', 'live:start']);
    await bus.emit('session.status', status(1, 'stopped'));
    expect(order).toEqual(['storage', 'live:start', 'storage', 'live:start']);
    releaseLive();
  });

  it('orders events with no slot per store, apart from the slots and from other stores', async () => {
    const bus = new DomainEventBus(silent);
    const seen: string[] = [];
    let releaseFirst!: () => void;
    bus.on('contact.created', 'storage', async (e) => {
      if (e.contactId === 'c1') await new Promise<void>((r) => (releaseFirst = r));
      seen.push(`${e.storeId}:${e.contactId}`);
    }, { durable: true });
    bus.on('session.status', 'storage', (e) => void seen.push(`${e.storeId}:${e.slot}:${e.status}`), { durable: true });
    const contact = (storeId: string, contactId: string) => ({ storeId, contactId, source: 'api' as const, at: new Date() });
    void bus.emit('contact.created', contact('s', 'c1'));
    void bus.emit('contact.created', contact('s', 'c2'));
    await bus.emit('contact.created', contact('t', 'c3'));
    await bus.emit('session.status', status(1, 'connected', 's'));
    // c2 waits behind c1 (same store); the other store and the slot's event do not.
    expect(seen).toEqual(['t:c3', 's:1:connected']);
    releaseFirst();
    await bus.drain();
    expect(seen).toEqual(['t:c3', 's:1:connected', 's:c1', 's:c2']);
  });
});
