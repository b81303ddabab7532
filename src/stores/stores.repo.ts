// The only place that touches the stores table.
import type { Db } from '../db/prisma.js';

export interface StoreRow {
  id: string;
  name: string;
  apiKeyHash: string;
  apiKeyLast4: string;
  keyRotatedAt: Date;
  createdAt: Date;
}

export function createStoresRepo(db: Db) {
  return {
    create(data: { name: string; apiKeyHash: string; apiKeyLast4: string }): Promise<StoreRow> {
      return db.store.create({ data });
    },
    findById(id: string): Promise<StoreRow | null> {
      return db.store.findUnique({ where: { id } });
    },
    findByKeyHash(apiKeyHash: string): Promise<StoreRow | null> {
      return db.store.findUnique({ where: { apiKeyHash } });
    },
    list(limit: number, cursor?: string): Promise<StoreRow[]> {
      return db.store.findMany({
        take: limit,
        ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
        orderBy: { id: 'asc' },
      });
    },
    /** Replaces the key hash; returns null when the store does not exist. */
    async replaceKey(id: string, data: { apiKeyHash: string; apiKeyLast4: string }): Promise<StoreRow | null> {
      const { count } = await db.store.updateMany({ where: { id }, data: { ...data, keyRotatedAt: new Date() } });
      return count ? db.store.findUnique({ where: { id } }) : null;
    },
    /** Deletes the store and, by cascade, everything it owns; false when it did not exist. */
    async delete(id: string): Promise<boolean> {
      const { count } = await db.store.deleteMany({ where: { id } });
      return count > 0;
    },
  };
}

export type StoresRepo = ReturnType<typeof createStoresRepo>;
