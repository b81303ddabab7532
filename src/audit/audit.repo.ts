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

export function createAuditRepo(db: Db) {
  return {
    async record(entry: AuditEntry): Promise<void> {
      await db.auditLog.create({ data: { ...entry, storeId: entry.storeId ?? null } });
    },
  };
}

export type AuditRepo = ReturnType<typeof createAuditRepo>;
