// The only place that touches the stores table. A change to a store's key and its audit row are
// one transaction: were the audit write to fail after a committed rotation, the caller would get
// an error instead of the new key while the old one no longer works — the store locked out.
import { writeAudit, type AuditEntry } from '../audit/audit.repo.js';
import type { Db } from '../db/prisma.js';
import { retryWhileTransient } from '../events/durable-retry.js';
import { isConcurrencyConflict } from '../http/dependency-errors.js';

/** How long a store's deletion keeps trying after losing to its slots' last writes. */
const DELETE_RETRY_MS = 10_000;

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
    create(data: { name: string; apiKeyHash: string; apiKeyLast4: string }, audit: (row: StoreRow) => AuditEntry): Promise<StoreRow> {
      return db.$transaction(async (tx) => {
        const row = await tx.store.create({ data });
        await writeAudit(tx, audit(row));
        return row;
      });
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
    replaceKey(id: string, data: { apiKeyHash: string; apiKeyLast4: string }, audit: AuditEntry): Promise<StoreRow | null> {
      return db.$transaction(async (tx) => {
        const { count } = await tx.store.updateMany({ where: { id }, data: { ...data, keyRotatedAt: new Date() } });
        if (!count) return null;
        await writeAudit(tx, audit);
        return tx.store.findUnique({ where: { id } });
      });
    },
    /**
     * Deletes the store and, by cascade, everything it owns; false when it did not exist. The
     * cascade reaches rows that the store's last writes (its slots' state after the unlink, their
     * webhook deliveries) may hold in their own transactions: losing a deadlock to one of them is
     * tried again once it has committed.
     */
    delete(id: string, audit: AuditEntry): Promise<boolean> {
      const once = () =>
        db.$transaction(async (tx) => {
          const { count } = await tx.store.deleteMany({ where: { id } });
          if (!count) return false;
          await writeAudit(tx, audit);
          return true;
        });
      return retryWhileTransient(once, { isTransient: isConcurrencyConflict, maxMs: DELETE_RETRY_MS, log: undefined, what: 'deleting a store' });
    },
  };
}

export type StoresRepo = ReturnType<typeof createStoresRepo>;
