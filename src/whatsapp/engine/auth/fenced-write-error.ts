import { AppError, ErrorCode } from '../../../kernel/index.js';

/**
 * An auth write refused by the fencing token: session_slots.owner_epoch has moved past the epoch
 * this process loaded the slot with, so another process owns the slot now. Nothing was written;
 * the store refuses every later write, and the slot's socket must close.
 */
export class FencedWriteError extends AppError {
  constructor(storeId: string, slot: number, epoch: string) {
    super(ErrorCode.CONFLICT, `fenced: slot ${slot} of store ${storeId} has a newer owner than epoch ${epoch}; auth write refused`, { storeId, slot, epoch });
    this.name = 'FencedWriteError';
  }
}
