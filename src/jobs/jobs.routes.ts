// The operator's view of the scheduled jobs (admin key): each job's schedule and latest run.
import { Router } from 'express';
import { requireAdmin } from '../http/auth.js';
import type { OpenApiRegistry } from '../http/openapi.js';
import type { JobRunsRepo } from './job-runs.repo.js';
import type { JobScheduler } from './job-scheduler.js';
import { ZJobList, type TJob } from './jobs.schemas.js';

export function jobsRouter(deps: { scheduler: JobScheduler; runs: JobRunsRepo; adminApiKey: string; openapi: OpenApiRegistry }): Router {
  const router = Router();
  deps.openapi.add({ method: 'get', path: '/api/admin/jobs', summary: 'The scheduled jobs: schedule, and the latest run (when, how long, result, what it did)', tag: 'admin', auth: 'admin', responses: { 200: ZJobList } });
  router.get('/api/admin/jobs', requireAdmin(deps.adminApiKey), async (_req, res) => {
    const latest = new Map((await deps.runs.latest(deps.scheduler.names)).map((r) => [r.job, r]));
    const jobs: TJob[] = deps.scheduler.names.map((name) => {
      const r = latest.get(name);
      return {
        name,
        schedule: deps.scheduler.scheduleOf(name)!,
        lastRun: r
          ? {
              scheduledFor: r.scheduledFor.toISOString(),
              startedAt: r.startedAt.toISOString(),
              finishedAt: r.finishedAt?.toISOString() ?? null,
              durationMs: r.durationMs,
              result: r.result as 'running' | 'ok' | 'failed',
              detail: (r.detail as Record<string, unknown> | null) ?? null,
              error: r.error,
              processId: r.processId,
            }
          : null,
      };
    });
    res.json({ jobs });
  });
  return router;
}
