// A store's send governor settings (settings.send_policy). Every field has a default chosen to
// look like a person typing, not a bulk sender: WhatsApp bans numbers that send fast, to many
// new people, or right after being linked.
import { z } from 'zod';

const ZClock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24 h)');

const SHAPE = {
  /** Messages per minute from one slot; more wait their turn. */
  perSlotPerMinute: z.number().int().min(1).max(600),
  /** Messages per hour to one contact; more are refused (429 naming the limit). */
  perContactPerHour: z.number().int().min(1).max(1000),
  /** A number linked less than this many days ago is warming up… */
  warmupDays: z.number().int().min(0).max(60),
  /** …and sends at most this many messages a day meanwhile; more wait. */
  warmupPerDay: z.number().int().min(1).max(10_000),
  /** Typing shown before a text: this many ms per character, within [min, max]. */
  typingMsPerChar: z.number().int().min(0).max(1000),
  typingMinMs: z.number().int().min(0).max(30_000),
  typingMaxMs: z.number().int().min(0).max(60_000),
  /** No sends in this window (the store's time zone); what is queued then waits for its end. */
  quietHours: z.strictObject({ start: ZClock, end: ZClock }).nullable(),
  /** After WhatsApp refuses a new chat (463), new chats from the slot wait this long. */
  newChatHoldMinutes: z.number().int().min(1).max(7 * 24 * 60),
};

export const ZSendPolicy = z.strictObject(SHAPE);
export type TSendPolicy = z.infer<typeof ZSendPolicy>;
/** A change to some fields; the others keep their stored (or default) values. */
export const ZSendPolicyPatch = ZSendPolicy.partial();
export type TSendPolicyPatch = z.infer<typeof ZSendPolicyPatch>;

export const DEFAULT_SEND_POLICY: TSendPolicy = {
  perSlotPerMinute: 20,
  perContactPerHour: 30,
  warmupDays: 3,
  warmupPerDay: 200,
  typingMsPerChar: 35,
  typingMinMs: 500,
  typingMaxMs: 4_000,
  quietHours: null,
  newChatHoldMinutes: 60,
};

/** The stored overrides over the defaults; a stored value this version cannot read falls back to the defaults. */
export function readSendPolicy(stored: unknown): TSendPolicy {
  const parsed = ZSendPolicyPatch.safeParse(stored ?? {});
  return { ...DEFAULT_SEND_POLICY, ...(parsed.success ? parsed.data : {}) };
}

/** How long "typing…" shows before a text of this length. */
export function typingMs(policy: TSendPolicy, textLength: number): number {
  const ms = textLength * policy.typingMsPerChar;
  return Math.max(policy.typingMinMs, Math.min(policy.typingMaxMs, ms));
}

/** Minutes since midnight in a time zone. */
function minutesIn(timeZone: string, at: Date): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return get('hour') * 60 + get('minute');
}

const toMinutes = (clock: string) => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));

/** When the quiet window holding `at` ends, or null when `at` is outside it (or there is none). */
export function quietUntil(policy: TSendPolicy, timeZone: string, at: Date): Date | null {
  if (!policy.quietHours) return null;
  const start = toMinutes(policy.quietHours.start);
  const end = toMinutes(policy.quietHours.end);
  if (start === end) return null;
  const now = minutesIn(timeZone, at);
  const inside = start < end ? now >= start && now < end : now >= start || now < end;
  if (!inside) return null;
  const wait = (end - now + 24 * 60) % (24 * 60);
  return new Date(Math.floor(at.getTime() / 60_000) * 60_000 + wait * 60_000);
}
