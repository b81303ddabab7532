import { z } from 'zod';
import { ZStoreId, ZStoreParams } from '../kernel/index.js';

export { ZStoreId, ZStoreParams };

export type TStoreParams = z.infer<typeof ZStoreParams>;

/**
 * Control characters and unpaired UTF-16 surrogates are refused: Postgres cannot store NUL in
 * text, jsonb (the audit row) refuses both, and neither belongs in a name shown on a dashboard.
 */
const NOT_PRINTABLE = /[\p{Cc}\p{Cs}]/u;

export const ZCreateStoreBody = z
  .object({ name: z.string().trim().min(1).max(120).refine((name) => !NOT_PRINTABLE.test(name), 'must not contain control characters or broken Unicode') })
  .strict();
export type TCreateStoreBody = z.infer<typeof ZCreateStoreBody>;

export const ZListStoresQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: ZStoreId.optional(),
  })
  .strict();
export type TListStoresQuery = z.infer<typeof ZListStoresQuery>;

/** A store as any caller may see it: never the key, only its last four characters. */
export const ZStoreView = z.object({
  storeId: z.string(),
  name: z.string(),
  apiKeyLast4: z.string(),
  keyRotatedAt: z.iso.datetime(),
  createdAt: z.iso.datetime(),
});
export type TStoreView = z.infer<typeof ZStoreView>;

/** Returned once, at creation and at rotation: the only time the key is ever shown. */
export const ZStoreWithKey = ZStoreView.extend({ apiKey: z.string() });
export type TStoreWithKey = z.infer<typeof ZStoreWithKey>;

export const ZStoreList = z.object({ data: z.array(ZStoreView), nextCursor: z.string().nullable() });
export type TStoreList = z.infer<typeof ZStoreList>;
