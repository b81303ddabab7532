// What GET /api/admin/jobs shows: each scheduled job, its schedule, and its latest run.
import { z } from 'zod';

export const ZJobRun = z.object({
  scheduledFor: z.iso.datetime(),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
  durationMs: z.number().int().nullable(),
  result: z.enum(['running', 'ok', 'failed']).describe('running: under way, or its process died during it'),
  detail: z.record(z.string(), z.unknown()).nullable().describe('what it did (housekeeping: rows purged per kind; null where the retention is 0)'),
  error: z.string().nullable(),
  processId: z.string().describe('the daemon process that ran it'),
});
export const ZJob = z.object({ name: z.string(), schedule: z.string().describe('node-cron expression, America/Sao_Paulo time'), lastRun: ZJobRun.nullable() });
export const ZJobList = z.object({ jobs: z.array(ZJob) });
export type TJob = z.infer<typeof ZJob>;
