import { z } from 'zod';
import { ZStoreId } from '../../stores/index.js';
import { ZSlotStatus } from '../../kernel/index.js';

export function makeZSlotParams(maxSlots: number) {
  return z.object({ storeId: ZStoreId, slot: z.coerce.number().int().min(1).max(maxSlots) }).strict();
}

export const ZStoreParamsOnly = z.object({ storeId: ZStoreId }).strict();

export const ZQrQuery = z.object({ format: z.enum(['json', 'png']).default('json') }).strict();

export const ZPairingCodeBody = z
  .object({ phone: z.string().trim().regex(/^\+?\d[\d\s().-]{6,20}$/, 'must be a phone number with country code, like +55 11 99999-0000') })
  .strict();
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
