// One dashboard's live stream of a store's slots (Server-Sent Events): a `snapshot`, then a
// `slot` event per change the feed reports — once per change, in order. It ends when the client
// goes, or when the store's key it was opened with is rotated or the store deleted (an `end`
// event says which), so a revoked key keeps no live view of the store.
import type { Response } from 'express';
import type { Logger } from 'pino';
import type { SlotChangeFeed, StreamEnd } from '../engine/index.js';
import type { SessionsService } from './sessions.service.js';

const HEARTBEAT_MS = 15_000;

export interface SlotEventStreamOptions {
  storeId: string;
  /** When the key that opened the stream was issued. */
  keyIssuedAt: Date;
  sessions: SessionsService;
  feed: SlotChangeFeed;
  log: Logger;
}

export function streamSlotEvents(res: Response, opts: SlotEventStreamOptions): void {
  const { storeId, sessions, feed, log } = opts;
  res.status(200).set({
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    Connection: 'keep-alive',
    // Nginx: deliver each event at once.
    'X-Accel-Buffering': 'no',
  });
  res.flushHeaders();
  const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  // Reads are serialized so events leave in the order the changes happened.
  let queue = Promise.resolve();
  const enqueue = (what: string, work: () => Promise<void>) => {
    queue = queue.then(work).catch((err: unknown) => log.warn({ err, what }, 'event stream: reading the slot failed'));
  };
  const onSlot = (slot: number) => enqueue('slot', async () => void send('slot', await sessions.get({ storeId, slot })));
  const onEnd = (end: StreamEnd) => {
    if (end.keysIssuedBefore <= opts.keyIssuedAt) return;
    enqueue('end', async () => {
      send('end', { reason: end.reason });
      res.end();
    });
  };
  const unsubscribe = feed.subscribe(storeId, onSlot, onEnd);
  enqueue('snapshot', async () => void send('snapshot', { data: await sessions.list(storeId) }));
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
  res.on('error', (err) => log.warn({ err }, 'event stream: write failed'));
  res.on('close', () => {
    clearInterval(heartbeat);
    unsubscribe();
    log.debug('event stream closed');
  });
}
