// Which numbers are on WhatsApp, asked on a connected slot's socket wherever it runs (a
// check-numbers slot command: any process accepts the request, the slot's owner asks WhatsApp).
import { AppError, ErrorCode } from '../kernel/index.js';
import type { SlotEngine } from '../whatsapp/engine/index.js';
import type { TCheckNumbersResult } from './outbound.schemas.js';
import { resolveRecipient } from './recipient.js';

/**
 * WhatsApp may answer a Brazilian mobile number under its old 8-digit JID (without the 9 after
 * the area code): the same person.
 */
function sameNumber(asked: string, answered: string): boolean {
  if (asked === answered) return true;
  const a = asked.split('@')[0]!;
  const b = answered.split('@')[0]!;
  const withoutNine = (d: string) => (d.length === 13 && d.startsWith('55') && d[4] === '9' ? d.slice(0, 4) + d.slice(5) : d);
  return withoutNine(a) === withoutNine(b);
}

/** The numbers as phone-number JIDs; any that is no valid number is a 400 naming its index. */
export function numbersToJids(numbers: string[], defaultCountry: string): string[] {
  const issues: { path: (string | number)[]; message: string }[] = [];
  const jids = numbers.map((n, i) => {
    try {
      const jid = resolveRecipient(n, defaultCountry);
      if (jid.endsWith('@s.whatsapp.net')) return jid;
    } catch {
      /* named below */
    }
    issues.push({ path: ['numbers', i], message: 'is not a valid phone number' });
    return '';
  });
  if (issues.length) throw new AppError(ErrorCode.VALIDATION_FAILED, 'Some numbers are not valid phone numbers', issues);
  return jids;
}

export async function checkNumbers(deps: { engine: SlotEngine; storeId: string; slot: number; numbers: string[]; jids: string[] }): Promise<TCheckNumbersResult> {
  const { jids } = deps;
  const unique = [...new Set(jids)];
  const outcome = await deps.engine.execute({ storeId: deps.storeId, slot: deps.slot }, { command: 'check-numbers', jids: unique });
  if (!outcome) throw new AppError(ErrorCode.SERVICE_UNAVAILABLE, 'The process running this slot did not answer; try again');
  if (!outcome.ok) throw new AppError(ErrorCode.CONFLICT, outcome.error ?? 'The check could not run');
  const found = (outcome.result?.numbers ?? []) as { jid: string; exists: boolean }[];
  return {
    slot: deps.slot,
    numbers: deps.numbers.map((input, i) => {
      const match = found.find((f) => f.exists && sameNumber(jids[i]!, f.jid));
      return { input, e164: `+${jids[i]!.split('@')[0]}`, onWhatsApp: Boolean(match), jid: match?.jid ?? null };
    }),
  };
}
