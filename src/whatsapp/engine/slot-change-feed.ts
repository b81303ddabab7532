// In-process fan-out of "this slot changed" to live streams. The engine feeds it from its own
// writes and from other processes' NOTIFYs; SSE connections of a store listen to that store.
import { EventEmitter } from 'node:events';
import type { SlotRef } from '../../events/domain-events.js';

export class SlotChangeFeed {
  private readonly emitter = new EventEmitter();

  constructor() {
    // One listener per open dashboard tab; there is no leak to warn about.
    this.emitter.setMaxListeners(0);
  }

  publish(ref: SlotRef): void {
    this.emitter.emit(ref.storeId, ref.slot);
  }

  subscribe(storeId: string, onSlot: (slot: number) => void): () => void {
    this.emitter.on(storeId, onSlot);
    return () => this.emitter.off(storeId, onSlot);
  }
}
