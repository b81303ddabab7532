import { z } from 'zod';

/** A store's id as it appears in paths (`:storeId`). */
export const ZStoreId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a store id');
