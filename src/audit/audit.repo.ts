// Append-only record of who changed what. Admin and store actions write here; nothing reads it
// on a hot path.
import type { Db, Prisma } from '../db/prisma.js';

export interface AuditEntry {
  storeId?: string | null;
  actor: 'admin' | 'store' | 'system' | 'cli' | 'mcp';
  action: string;
  resourceType: string;
  resourceId?: string;
  data?: Prisma.InputJsonValue;
  ip?: string;
  userAgent?: string;
  requestId?: string;
}

export interface AuditQuery {
  storeId?: string;
  action?: string;
  from?: Date;
  to?: Date;
  /** Entries older than this one (the previous page's last id) only. */
  before?: { at: Date; id: string };
  limit: number;
}

export type AuditRow = Prisma.AuditLogGetPayload<object>;

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

    /** Newest first, by (created_at, id). */
    list(q: AuditQuery): Promise<AuditRow[]> {
      return db.auditLog.findMany({
        where: {
          ...(q.storeId ? { storeId: q.storeId } : {}),
          ...(q.action ? { action: q.action } : {}),
          ...(q.from || q.to ? { createdAt: { ...(q.from ? { gte: q.from } : {}), ...(q.to ? { lt: q.to } : {}) } } : {}),
          ...(q.before ? { OR: [{ createdAt: { lt: q.before.at } }, { createdAt: q.before.at, id: { lt: q.before.id } }] } : {}),
        },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: q.limit,
      });
    },

    /** The entry a cursor names, for its time. */
    async entry(id: string): Promise<{ at: Date; id: string } | null> {
      const row = await db.auditLog.findUnique({ where: { id }, select: { createdAt: true, id: true } });
      return row ? { at: row.createdAt, id: row.id } : null;
    },
  };
}

export type AuditRepo = ReturnType<typeof createAuditRepo>;
