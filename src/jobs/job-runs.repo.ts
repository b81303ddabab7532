// job_runs: who ran which occurrence of a scheduled job, and how it ended. The claim is an INSERT
// on the occurrence's key: of every process firing the same occurrence, the first insert wins and
// the others find the key taken.
import type { Db, Prisma } from '../db/prisma.js';

export type JobRunRow = Prisma.JobRunGetPayload<object>;

export function createJobRunsRepo(db: Db, processId: string) {
  return {
    /** True when this process now runs the occurrence `key`; false when another one does (or did). */
    async claim(key: string, job: string, scheduledFor: Date): Promise<boolean> {
      const rows = await db.$queryRaw<{ key: string }[]>`
        INSERT INTO job_runs (key, job, scheduled_for, process_id) VALUES (${key}, ${job}, ${scheduledFor}, ${processId})
        ON CONFLICT (key) DO NOTHING RETURNING key`;
      return rows.length > 0;
    },

    async finish(key: string, outcome: { result: 'ok' | 'failed'; durationMs: number; detail?: Prisma.InputJsonObject; error?: string }): Promise<void> {
      await db.jobRun.update({
        where: { key },
        data: { result: outcome.result, durationMs: outcome.durationMs, finishedAt: new Date(), detail: outcome.detail ?? undefined, error: outcome.error ?? null },
      });
    },

    /** Each job's latest run (by start). */
    latest(jobs: readonly string[]): Promise<JobRunRow[]> {
      return db.$queryRaw<JobRunRow[]>`
        SELECT DISTINCT ON (job) key, job, scheduled_for AS "scheduledFor", process_id AS "processId", started_at AS "startedAt",
          finished_at AS "finishedAt", duration_ms AS "durationMs", result, detail, error
        FROM job_runs WHERE job = ANY(${[...jobs]}::text[]) ORDER BY job, started_at DESC`;
    },
  };
}

export type JobRunsRepo = ReturnType<typeof createJobRunsRepo>;
