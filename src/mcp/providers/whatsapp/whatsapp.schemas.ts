// A WhatsApp connection's config and secret: it acts through the store's own linked slots, so it
// needs no credential; the config may name the slot its sends go from.
import { z } from 'zod';

export const ZWhatsAppConfig = z.strictObject({ defaultSlot: z.number().int().min(1).max(10).optional().describe('the slot sends go from when a tool names none') });
export type TWhatsAppConfig = z.infer<typeof ZWhatsAppConfig>;
export const ZWhatsAppSecret = z.strictObject({});
export type TWhatsAppSecret = z.infer<typeof ZWhatsAppSecret>;
