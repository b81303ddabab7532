// In-process fan-out to live streams: "this slot changed" (from this process's own writes and
// from other processes' NOTIFYs) and "this store's streams must end" (its key was rotated or the
// store deleted, here or in another process).
import { EventEmitter } from 'node:events';
import type { SlotRef } from '../../kernel/index.js';

export interface StreamEnd {
  storeId: string;
  /** Streams opened with a key issued before this instant end. */
  keysIssuedBefore: Date;
  reason: 'key_rotated' | 'deleted';
}

export class SlotChangeFeed {
  private readonly emitter = new EventEmitter();

  constructor() {
    // One listener per open dashboard tab; there is no leak to warn about.
    this.emitter.setMaxListeners(0);
  }

  publish(ref: SlotRef): void {
    this.emitter.emit(`slot:${ref.storeId}`, ref.slot);
  }

  endStreams(end: StreamEnd): void {
    this.emitter.emit(`end:${end.storeId}`, end);
  }

  subscribe(storeId: string, onSlot: (slot: number) => void, onEnd: (end: StreamEnd) => void): () => void {
    this.emitter.on(`slot:${storeId}`, onSlot);
    this.emitter.on(`end:${storeId}`, onEnd);
    return () => {
      this.emitter.off(`slot:${storeId}`, onSlot);
      this.emitter.off(`end:${storeId}`, onEnd);
    };
  }
}
