// What the doctor asks the database: its clock, and the migrations it has applied.
import type { Db } from '../db/prisma.js';

export function createDoctorRepo(db: Db) {
  return {
    async now(): Promise<Date> {
      const [row] = await db.$queryRaw<{ now: Date }[]>`SELECT now() AS now`;
      return row!.now;
    },

    /** Names of the migrations recorded as finished; null when the database was never migrated. */
    async appliedMigrations(): Promise<string[] | null> {
      const [exists] = await db.$queryRaw<{ t: string | null }[]>`SELECT to_regclass('public._prisma_migrations')::text AS t`;
      if (!exists?.t) return null;
      const rows = await db.$queryRaw<{ name: string }[]>`SELECT migration_name AS name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
      return rows.map((r) => r.name);
    },
  };
}

export type DoctorRepo = ReturnType<typeof createDoctorRepo>;
