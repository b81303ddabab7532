// The store's bot configuration row (bot_configs; no row = every default). A change and its audit
// row commit together, and each change counts one more revision.
import { writeAudit, type AuditEntry } from '../audit/audit.repo.js';
import type { Db, Prisma } from '../db/prisma.js';

export type BotConfigRow = Prisma.BotConfigGetPayload<object>;
export type BotConfigColumns = Omit<Prisma.BotConfigUncheckedCreateInput, 'storeId' | 'revision' | 'updatedAt'>;

export function createBotConfigRepo(db: Db) {
  return {
    read(storeId: string): Promise<BotConfigRow | null> {
      return db.botConfig.findUnique({ where: { storeId } });
    },

    /** Writes the changed columns, one revision more, with the audit row of the change. */
    async save(storeId: string, changes: BotConfigColumns, audit: Omit<AuditEntry, 'storeId' | 'action' | 'resourceType' | 'resourceId'>): Promise<BotConfigRow> {
      return db.$transaction(async (tx) => {
        const row = await tx.botConfig.upsert({
          where: { storeId },
          create: { storeId, ...changes, revision: 1 },
          update: { ...changes, revision: { increment: 1 } },
        });
        await writeAudit(tx, { ...audit, storeId, action: 'bot_config.updated', resourceType: 'bot_config', resourceId: storeId });
        return row;
      });
    },
  };
}

export type BotConfigRepo = ReturnType<typeof createBotConfigRepo>;
