// evolution_instances: which (store, slot) an Evolution instance name is, and the hash of its token.
// Minting and forgetting an instance (a key that acts on a store) is audited in the same transaction.
import { writeAudit, type AuditEntry } from '../../audit/audit.repo.js';
import type { Db, Prisma } from '../../db/prisma.js';

/** Who did it, for the audit row (the row names the instance and its slot). */
export type InstanceAudit = Pick<AuditEntry, 'actor' | 'ip' | 'requestId' | 'userAgent'>;

export type InstanceRow = Prisma.EvolutionInstanceGetPayload<object>;

export function createInstancesRepo(db: Db) {
  return {
    /** Null when the name or the slot is taken (unique name; one instance per slot). */
    async insert(row: Omit<InstanceRow, 'createdAt'>, by: InstanceAudit): Promise<InstanceRow | null> {
      return db.$transaction(async (tx) => {
        const [created] = await tx.$queryRaw<{ name: string }[]>`
          INSERT INTO evolution_instances (name, instance_id, store_id, slot, token_hash, owns_store, integration)
          VALUES (${row.name}, ${row.instanceId}, ${row.storeId}, ${row.slot}, ${row.tokenHash}, ${row.ownsStore}, ${row.integration})
          ON CONFLICT DO NOTHING RETURNING name`;
        if (!created) return null;
        await writeAudit(tx, { ...by, storeId: row.storeId, action: 'evolution.instance_created', resourceType: 'evolution_instance', resourceId: row.name, data: { slot: row.slot, instanceId: row.instanceId, ownsStore: row.ownsStore } });
        return tx.evolutionInstance.findUnique({ where: { name: created.name } });
      });
    },

    byName: (name: string): Promise<InstanceRow | null> => db.evolutionInstance.findUnique({ where: { name } }),

    bySlot: (storeId: string, slot: number): Promise<InstanceRow | null> => db.evolutionInstance.findUnique({ where: { storeId_slot: { storeId, slot } } }),

    byTokenHash: (tokenHash: string): Promise<InstanceRow | null> => db.evolutionInstance.findUnique({ where: { tokenHash } }),

    /** Every instance, or the ones named; by creation. */
    list: (where: { name?: string; instanceId?: string } = {}): Promise<InstanceRow[]> =>
      db.evolutionInstance.findMany({ where: { name: where.name, instanceId: where.instanceId }, orderBy: { createdAt: 'asc' } }),

    /** The slots of a store that already are instances. */
    async slotsOf(storeId: string): Promise<number[]> {
      return (await db.evolutionInstance.findMany({ where: { storeId }, select: { slot: true } })).map((r) => r.slot);
    },

    async remove(i: Pick<InstanceRow, 'name' | 'storeId' | 'slot'>, by: InstanceAudit): Promise<boolean> {
      return db.$transaction(async (tx) => {
        const { count } = await tx.evolutionInstance.deleteMany({ where: { name: i.name } });
        if (count) await writeAudit(tx, { ...by, storeId: i.storeId, action: 'evolution.instance_deleted', resourceType: 'evolution_instance', resourceId: i.name, data: { slot: i.slot } });
        return count > 0;
      });
    },
  };
}

export type InstancesRepo = ReturnType<typeof createInstancesRepo>;
