// How creds and keys become text and back: Baileys' own BufferJSON, so rows stay readable by (and
// migratable from) its file store, whose files hold exactly the same JSON.
import { BufferJSON, proto, type SignalDataTypeMap } from '@whiskeysockets/baileys';

export function serializeAuthValue(value: unknown): string {
  return JSON.stringify(value, BufferJSON.replacer);
}

export function reviveAuthValue<T extends keyof SignalDataTypeMap>(type: T, text: string): SignalDataTypeMap[T] {
  const value: unknown = JSON.parse(text, BufferJSON.reviver);
  // Baileys expects the proto class here. fromObject converts field by field (as its own file store
  // does); `.create` just copies properties and is known to end in "Invalid patch mac" loops.
  if (type === 'app-state-sync-key') {
    return proto.Message.AppStateSyncKeyData.fromObject(value as Record<string, unknown>) as unknown as SignalDataTypeMap[T];
  }
  return value as SignalDataTypeMap[T];
}

/**
 * A deep copy of a revived value (plain objects, arrays, Buffers, primitives): what the store hands
 * out from its cache, so a caller mutating its copy — Baileys does, before writing it back — never
 * changes what later reads see. Far cheaper than reviving the JSON again.
 */
export function cloneRevivedValue<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Uint8Array) return Buffer.from(value) as T;
  if (Array.isArray(value)) return value.map(cloneRevivedValue) as T;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) copy[key] = cloneRevivedValue((value as Record<string, unknown>)[key]);
  return copy as T;
}
