// The in-process, typed domain-event bus. Two promises it keeps:
//
// - In order per slot: events of one slot are delivered one after another, in the order they were
//   emitted, even when the emitter does not wait (socket handlers cannot). Slots do not wait for
//   each other. Events with no slot (the store's records: contact.*, conversation.*, …) are in
//   order per store, apart from the slots' events.
// - Durable subscribers first: an event reaches every durable subscriber (storage, the slot state
//   recorder) — awaited, one after another, in subscription order — before the others (live
//   streams, metrics, later the bot and webhooks) are fed. Those run concurrently and are not
//   awaited, so a slow webhook never holds the slot's next message back.
//
// Every subscriber fails on its own: a throw or rejection is logged with the event and the
// subscriber's name, and the others still get the event. emit() resolves once the durable
// subscribers have handled the event (or failed, which they log themselves here).
import type { Logger } from 'pino';
import { KeyedSerialQueue, slotKey, type SlotRef } from '../kernel/index.js';
import type { DomainEventName, DomainEvents } from './domain-events.js';

type Handler<K extends DomainEventName> = (event: DomainEvents[K]) => void | Promise<void>;

interface Subscription {
  name: string;
  fn: Handler<never>;
  durable: boolean;
}

export interface SubscribeOptions {
  /** Awaited, in order, before any non-durable subscriber sees the event. */
  durable?: boolean;
}

/** The queue an event waits in: its slot's, or for an event with no slot, its store's. */
function orderKey(event: object): string {
  const { storeId, slot } = event as Partial<SlotRef>;
  return typeof slot === 'number' ? slotKey({ storeId: storeId!, slot }) : `${storeId}:store`;
}

export class DomainEventBus {
  private readonly handlers = new Map<DomainEventName, Subscription[]>();
  private readonly perSlot = new KeyedSerialQueue();

  constructor(private readonly log: Logger) {}

  /** Subscribes; `name` identifies the subscriber in logs. Returns the unsubscribe function. */
  on<K extends DomainEventName>(type: K, name: string, fn: Handler<K>, options: SubscribeOptions = {}): () => void {
    const entry: Subscription = { name, fn: fn as Handler<never>, durable: options.durable ?? false };
    this.handlers.set(type, [...(this.handlers.get(type) ?? []), entry]);
    return () => this.handlers.set(type, (this.handlers.get(type) ?? []).filter((h) => h !== entry));
  }

  /** Queues the event behind its slot's (or store's) earlier ones; resolves when its durable subscribers are done. */
  emit<K extends DomainEventName>(type: K, event: DomainEvents[K]): Promise<void> {
    return this.perSlot.run(orderKey(event), () => this.deliver(type, event));
  }

  /** Resolves when every event emitted so far for the slot (or for every slot and store) has been delivered. */
  drain(ref?: SlotRef): Promise<void> {
    return this.perSlot.idle(ref && slotKey(ref));
  }

  private async deliver<K extends DomainEventName>(type: K, event: DomainEvents[K]): Promise<void> {
    const list = this.handlers.get(type) ?? [];
    for (const sub of list) if (sub.durable) await this.call(type, sub, event);
    for (const sub of list) if (!sub.durable) void this.call(type, sub, event);
  }

  private async call<K extends DomainEventName>(type: K, sub: Subscription, event: DomainEvents[K]): Promise<void> {
    try {
      await (sub.fn as Handler<K>)(event);
    } catch (err) {
      const { storeId, slot } = event as SlotRef;
      this.log.error({ err, event: type, subscriber: sub.name, durable: sub.durable, storeId, slot }, 'event subscriber failed');
    }
  }
}
