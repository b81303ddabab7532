// Child half of bench/inbound-pipeline.bench.ts: the real daemon (startDaemon: composition,
// engine, HTTP) in its own process, configured from the environment the bench gives it, with one
// difference: its bus times each `message.received`. emit() is called from the slot's Baileys
// `messages.upsert` handler (the emit time), and its promise resolves once every durable subscriber
// — storage's transaction included — has finished (the commit time). Production code is unchanged.
import { loadConfig } from '../src/config/config.js';
import { startDaemon } from '../src/daemon.js';
import type { DomainEventName, DomainEvents, MessageReceivedEvent } from '../src/events/domain-events.js';
import { DomainEventBus } from '../src/events/event-bus.js';
import { createLogger } from '../src/logging/logger.js';
import { epochMs, send, TimingCollector, type ToChild } from './inbound-timing.js';

const collector = new TimingCollector(send);

class TimedBus extends DomainEventBus {
  override emit<K extends DomainEventName>(type: K, event: DomainEvents[K]): Promise<void> {
    const emitAt = epochMs();
    const delivered = super.emit(type, event);
    if (type === 'message.received') {
      const id = (event as MessageReceivedEvent).waMessageId;
      void delivered.then(() => collector.record(id, emitAt, epochMs()));
    }
    return delivered;
  }
}

const config = loadConfig(process.env);
const logger = createLogger({ level: config.logLevel });
const daemon = await startDaemon(config, logger, { bus: new TimedBus(logger.child({ component: 'event-bus' })) });
process.on('message', (m: ToChild) => {
  if (m.type === 'expect') collector.expect(m.prefix, m.count);
  if (m.type === 'stop') void daemon.stop().then(() => process.exit(0));
});
send({ type: 'ready', url: daemon.url });
