import { z } from 'zod';

/** A store's id as it appears in paths (`:storeId`). */
export const ZStoreId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a store id');

/** A row's id as it appears in paths (`:id`): Prisma's cuids and ours. */
export const ZRowId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be an id');

/** `/…/:storeId/…` */
export const ZStoreParams = z.strictObject({ storeId: ZStoreId });

/** `/…/:storeId/…/:id` */
export const ZStoreRowParams = z.strictObject({ storeId: ZStoreId, id: ZRowId });

/** A channel's name, as the database CHECKs it: whatsapp, or another channel's lowercase name. */
export const ZChannel = z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, 'must be a lowercase channel name (a-z, 0-9, _ or -, at most 32: whatsapp, instagram, email…)');

/** A conversation stays the same while its last message is younger than this (every channel). */
export const THREAD_WINDOW_MS = 24 * 60 * 60_000;
