// evolution_instances: which (store, slot) an Evolution instance name is, and the hash of its token.
import type { Db, Prisma } from '../../db/prisma.js';

export type InstanceRow = Prisma.EvolutionInstanceGetPayload<object>;

export function createInstancesRepo(db: Db) {
  return {
    /** Null when the name or the slot is taken (unique name; one instance per slot). */
    async insert(row: Omit<InstanceRow, 'createdAt'>): Promise<InstanceRow | null> {
      const [created] = await db.$queryRaw<{ name: string }[]>`
        INSERT INTO evolution_instances (name, instance_id, store_id, slot, token_hash, owns_store, integration)
        VALUES (${row.name}, ${row.instanceId}, ${row.storeId}, ${row.slot}, ${row.tokenHash}, ${row.ownsStore}, ${row.integration})
        ON CONFLICT DO NOTHING RETURNING name`;
      return created ? db.evolutionInstance.findUnique({ where: { name: created.name } }) : null;
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

    async remove(name: string): Promise<boolean> {
      return (await db.evolutionInstance.deleteMany({ where: { name } })).count > 0;
    },
  };
}

export type InstancesRepo = ReturnType<typeof createInstancesRepo>;
