// What every message row builder (inbound, history, the phone's own) does to a domain event's
// fields before Postgres sees them.
import type { Prisma } from '../db/prisma.js';

export const isLid = (jid: string | null | undefined): boolean => Boolean(jid?.endsWith('@lid'));
export const isPn = (jid: string | null | undefined): boolean => Boolean(jid?.endsWith('@s.whatsapp.net'));

// Postgres text and jsonb cannot hold U+0000, and a contact can send it: left in, the row would be
// refused and the message lost. It carries nothing a reader sees, so it goes.
const NUL = /\u0000/g;

export function storableText<T extends string | null>(text: T): T {
  return (text === null ? text : text.replace(NUL, '')) as T;
}

/** The JSON with U+0000 taken out of every string in it, keys included. */
export function storableJson<T extends Prisma.InputJsonValue>(value: T): T {
  if (typeof value === 'string') return storableText(value) as T;
  if (Array.isArray(value)) return value.map((v) => (v === null ? v : storableJson(v as Prisma.InputJsonValue))) as unknown as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [storableText(k), v === null || v === undefined ? v : storableJson(v as Prisma.InputJsonValue)]),
    ) as T;
  }
  return value;
}
