// Append-only record of who changed what. Admin and store actions write here; nothing reads it
// on a hot path.
import type { Db, Prisma } from '../db/prisma.js';

export interface AuditEntry {
  storeId?: string | null;
  actor: 'admin' | 'store' | 'system' | 'cli';
  action: string;
  resourceType: string;
  resourceId?: string;
  data?: Prisma.InputJsonValue;
  ip?: string;
  requestId?: string;
}

/**
 * Writes one audit row through Prisma's client or a transaction's. Repos whose change must not
 * happen unaudited (a store's key: create, rotate, delete) call it inside their own transaction,
 * so the change and its row commit together or not at all.
 */
export async function writeAudit(db: Pick<Prisma.TransactionClient, 'auditLog'>, entry: AuditEntry): Promise<void> {
  await db.auditLog.create({ data: { ...entry, storeId: entry.storeId ?? null } });
}

export function createAuditRepo(db: Db) {
  return {
    record(entry: AuditEntry): Promise<void> {
      return writeAudit(db, entry);
    },
  };
}

export type AuditRepo = ReturnType<typeof createAuditRepo>;
