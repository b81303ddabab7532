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
  /** Rows for a slot wait for its owner (queued sends): the owner should look now. */
  work: 'drin_slot_work',
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

export const ZSlotWorkNotice = z.object({ storeId: ZStoreId, slot: ZSlot });

export type TCommandNotice = z.infer<typeof ZCommandNotice>;
export type TSlotChangeNotice = z.infer<typeof ZSlotChangeNotice>;
export type TStoreChangeNotice = z.infer<typeof ZStoreChangeNotice>;

/** A notification as the engine acts on it, or why it was dropped. */
export type TNotice =
  | { channel: 'commands'; notice: TCommandNotice }
  | { channel: 'changes'; notice: TSlotChangeNotice }
  | { channel: 'stores'; notice: TStoreChangeNotice }
  | { channel: 'work'; notice: z.infer<typeof ZSlotWorkNotice> }
  | { dropped: string };

/** Parses a NOTIFY payload of one of our channels; never throws. */
export function parseNotice(channel: string, payload: string): TNotice {
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch {
    return { dropped: 'not JSON' };
  }
  if (channel === CHANNELS.commands) return wrap('commands', ZCommandNotice.safeParse(json));
  if (channel === CHANNELS.changes) return wrap('changes', ZSlotChangeNotice.safeParse(json));
  if (channel === CHANNELS.stores) return wrap('stores', ZStoreChangeNotice.safeParse(json));
  if (channel === CHANNELS.work) return wrap('work', ZSlotWorkNotice.safeParse(json));
  return { dropped: `unknown channel ${channel}` };
}

function wrap<C extends 'commands' | 'changes' | 'stores' | 'work', T>(channel: C, parsed: z.ZodSafeParseResult<T>): TNotice {
  if (!parsed.success) return { dropped: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
  return { channel, notice: parsed.data } as TNotice;
}
