// The shared kernel: the few words every layer speaks. It imports nothing of Drin's.
export { AppError, ErrorCode, type TErrorCode } from './errors.js';
export { slotKey, toSlotRef, type SlotRef } from './slot-ref.js';
export { isActive, PARKED_STATUSES, SLOT_STATUSES, ZSlotStatus, type TSlotStatus } from './slot-status.js';
export { THREAD_WINDOW_MS, ZChannel, ZRowId, ZStoreId, ZStoreParams, ZStoreRowParams } from './ids.js';
export { KeyedSerialQueue } from './keyed-serial-queue.js';
export { QueueDrainer, type DrainStep } from './queue-drainer.js';
export { createWriteBatcher, type BatchWrite, type WriteBatcherOptions } from './write-batcher.js';
export { MESSAGE_STATUSES, OUTBOUND_PROGRESS, type TMessageStatus } from './message-status.js';
export { dayOf, dayRange, DEFAULT_TIMEZONE, monthOf, storeZone, type InstantRange } from './store-day.js';
