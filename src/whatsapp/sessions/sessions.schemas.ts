import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { z } from 'zod';
import { ZStoreId } from '../../stores/index.js';
import { ZSlotStatus } from '../../kernel/index.js';

/**
 * `:slot` is plain decimal digits: a bare z.coerce.number() would also take "0x1", "1e0", " 1"
 * and "+1" as slot 1, so one slot would answer at many paths.
 */
export function makeZSlotParams(maxSlots: number) {
  const slot = z
    .string()
    .regex(/^[1-9]\d{0,2}$/, `must be a slot number from 1 to ${maxSlots}`)
    .transform(Number)
    .pipe(z.number().int().min(1).max(maxSlots))
    // A path parameter is text: the document shows its pattern and, in words, its bounds.
    .describe(`slot number from 1 to ${maxSlots}`);
  return z.object({ storeId: ZStoreId, slot }).strict();
}

export const ZStoreParamsOnly = z.object({ storeId: ZStoreId }).strict();

export const ZQrQuery = z.object({ format: z.enum(['json', 'png']).default('json') }).strict();

const PHONE_FORMAT = 'must be an international phone number: + and the country code, then the number, like +55 11 99999-0000';

/**
 * A phone number in international form, turned into what Baileys' requestPairingCode takes: the
 * E.164 digits without '+'. The '+' is required so a number typed without its country code is
 * refused instead of read as some other country's number (WhatsApp would text that person).
 * The `max` metadata makes isValid() check the digits against each country's plan, not only the
 * length; a punctuation-only input such as "+1------" never reaches Baileys.
 */
export const ZPhoneNumber = z
  .string()
  .trim()
  .max(40, PHONE_FORMAT)
  .transform((text, ctx) => {
    const parsed = parsePhoneNumberFromString(text, { extract: false });
    if (!parsed || !parsed.isValid() || parsed.ext) {
      ctx.addIssue({ code: 'custom', message: PHONE_FORMAT });
      return z.NEVER;
    }
    return parsed.number.slice(1);
  })
  .describe('International phone number with country code, like +55 11 99999-0000');

export const ZPairingCodeBody = z.object({ phone: ZPhoneNumber }).strict();
/** After parsing, `phone` is E.164 digits without '+', e.g. 5511999990000. */
export type TPairingCodeBody = z.infer<typeof ZPairingCodeBody>;

export const ZSlotView = z.object({
  slot: z.number().int(),
  status: ZSlotStatus,
  isActive: z.boolean(),
  qrCode: z.string().optional().describe('PNG data URL of the current QR, while status is qrcode'),
  phone: z.string().optional(),
  jid: z.string().optional(),
  lid: z.string().optional(),
  lastError: z.string().optional(),
  updatedAt: z.iso.datetime().nullable(),
});
export type TSlotView = z.infer<typeof ZSlotView>;

export const ZSessionsList = z.object({ data: z.array(ZSlotView) });

export const ZStartResult = z.object({
  success: z.boolean(),
  status: ZSlotStatus,
  qrCode: z.string().optional(),
  message: z.string().optional(),
});
export type TStartResult = z.infer<typeof ZStartResult>;

export const ZQrView = z.object({ slot: z.number().int(), qrCode: z.string(), qr: z.string(), expiresAt: z.iso.datetime().nullable() });

export const ZPairingCodeResult = z.object({ code: z.string(), status: ZSlotStatus });

export const ZCommandResult = z.object({ success: z.boolean(), status: ZSlotStatus });
