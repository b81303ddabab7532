// The readiness probe's one query.
import type { Db } from '../db/prisma.js';

export function createHealthRepo(db: Db) {
  return {
    async ping(): Promise<void> {
      await db.$queryRaw`SELECT 1`;
    },
  };
}
