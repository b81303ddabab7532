// Events written with the data they describe. A producer hands the events of a change to a
// `WriteEventsInTransaction` inside its own transaction (the composition root wires the webhook
// outbox), then emits the same objects on the bus once that transaction has committed. Same
// objects, same event ids: the bus's copy adds nothing to the outbox, and a crash between the
// commit and the bus loses no webhook.
import type { DomainEventBus } from './event-bus.js';
import type { DomainEventName, DomainEvents } from './domain-events.js';

/** One domain event with its name, as a producer collects them during a transaction. */
export type NamedEvent = { [K in DomainEventName]: { type: K; event: DomainEvents[K] } }[DomainEventName];

/**
 * A producer's open transaction: a Prisma transaction client, opaque here (the events layer sits
 * below the database's; the writer, a webhooks repo, knows what it is).
 */
export type EventsTransaction = object;

export type WriteEventsInTransaction = (tx: EventsTransaction, events: readonly NamedEvent[]) => Promise<unknown>;

/** Where nothing outside the process listens (tools, some tests). */
export const writeNoEvents: WriteEventsInTransaction = async () => undefined;

/** After the commit: the same events to the bus (not awaited: they queue per store or slot). */
export function emitCommitted(bus: Pick<DomainEventBus, 'emit'>, events: readonly NamedEvent[]): void {
  for (const e of events) void bus.emit(e.type, e.event as never);
}
