import { z } from 'zod';

/** A store's id as it appears in paths (`:storeId`). */
export const ZStoreId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a store id');

/** A row's id as it appears in paths (`:id`): Prisma's cuids and ours. */
export const ZRowId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be an id');

/** `/…/:storeId/…` */
export const ZStoreParams = z.strictObject({ storeId: ZStoreId });

/** `/…/:storeId/…/:id` */
export const ZStoreRowParams = z.strictObject({ storeId: ZStoreId, id: ZRowId });
