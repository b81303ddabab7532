// An in-process, typed publish/subscribe bus. Subscribers fail independently: one that throws or
// rejects is logged and never stops the others or the emitter (a broken webhook must not lose a
// stored message). Handlers run concurrently; emit() resolves when all have settled, so a caller
// that must know its event was handled (tests, shutdown) can await it.
import type { Logger } from 'pino';
import type { DomainEventName, DomainEvents } from './domain-events.js';

type Handler<K extends DomainEventName> = (event: DomainEvents[K]) => void | Promise<void>;

export class DomainEventBus {
  private readonly handlers = new Map<DomainEventName, Array<{ name: string; fn: Handler<never> }>>();

  constructor(private readonly log: Logger) {}

  /** Subscribes; `name` identifies the subscriber in logs. Returns the unsubscribe function. */
  on<K extends DomainEventName>(type: K, name: string, fn: Handler<K>): () => void {
    const list = this.handlers.get(type) ?? [];
    const entry = { name, fn: fn as Handler<never> };
    list.push(entry);
    this.handlers.set(type, list);
    return () => {
      const current = this.handlers.get(type) ?? [];
      this.handlers.set(type, current.filter((h) => h !== entry));
    };
  }

  async emit<K extends DomainEventName>(type: K, event: DomainEvents[K]): Promise<void> {
    const list = this.handlers.get(type) ?? [];
    await Promise.all(
      list.map(async ({ name, fn }) => {
        try {
          await (fn as Handler<K>)(event);
        } catch (err) {
          this.log.error({ err, event: type, subscriber: name }, 'event subscriber failed');
        }
      }),
    );
  }
}
