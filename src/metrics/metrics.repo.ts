// The gauges the database answers at scrape time: they are the same whichever process is asked
// (slots by status, the send queue, the webhook outbox), so they are read, not counted.
import type { Db } from '../db/prisma.js';

export interface DatabaseGauges {
  slotsByStatus: { status: string; count: number }[];
  sendQueue: { state: string; count: number }[];
  outbox: { backlog: number; oldestAgeSeconds: number; dead: number };
}

export function createMetricsRepo(db: Db) {
  return {
    async gauges(): Promise<DatabaseGauges> {
      const [slots, sends, outbox] = await Promise.all([
        db.$queryRaw<{ status: string; count: number }[]>`SELECT status, count(*)::int AS count FROM session_slots GROUP BY status`,
        db.$queryRaw<{ state: string; count: number }[]>`SELECT state, count(*)::int AS count FROM outbound_jobs WHERE state IN ('pending', 'sending') GROUP BY state`,
        db.$queryRaw<{ backlog: number; oldest: number | null; dead: number }[]>`
          SELECT count(*) FILTER (WHERE status IN ('pending', 'delivering'))::int AS backlog,
                 extract(epoch FROM now() - min(created_at) FILTER (WHERE status IN ('pending', 'delivering')))::float8 AS oldest,
                 count(*) FILTER (WHERE status = 'dead')::int AS dead
          FROM webhook_deliveries`,
      ]);
      const o = outbox[0] ?? { backlog: 0, oldest: null, dead: 0 };
      return { slotsByStatus: slots, sendQueue: sends, outbox: { backlog: o.backlog, oldestAgeSeconds: o.oldest ?? 0, dead: o.dead } };
    },
  };
}

export type MetricsRepo = ReturnType<typeof createMetricsRepo>;
