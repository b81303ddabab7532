// The NOTIFY channels processes talk on, and the payloads they carry. Payloads come from other
// processes: they are parsed, and a malformed one is logged and dropped.
import { z } from 'zod';
import { ZStoreId } from '../../kernel/index.js';

export const CHANNELS = {
  /** A slot_commands row was inserted: its owner should claim it. */
  commands: 'drin_slot_commands',
  /** A session_slots row changed: live streams should re-read it. */
  changes: 'drin_slot_changes',
  /** A store's key was rotated or the store deleted: its live streams must end. */
  stores: 'drin_store_changes',
} as const;

const ZSlot = z.number().int().min(1).max(99);

export const ZCommandNotice = z.object({ id: z.string().min(1).max(64), storeId: ZStoreId, slot: ZSlot });
/** `origin` is the process that made the change; it has told its own streams already. */
export const ZSlotChangeNotice = z.object({ storeId: ZStoreId, slot: ZSlot, origin: z.string().max(64) });
export const ZStoreChangeNotice = z.object({
  storeId: ZStoreId,
  kind: z.enum(['key_rotated', 'deleted']),
  /** Streams opened with a key issued before this instant end. */
  at: z.iso.datetime(),
});

export type TCommandNotice = z.infer<typeof ZCommandNotice>;
export type TSlotChangeNotice = z.infer<typeof ZSlotChangeNotice>;
export type TStoreChangeNotice = z.infer<typeof ZStoreChangeNotice>;
