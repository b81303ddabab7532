// Scheduled jobs (housekeeping), each occurrence run by one daemon process (job_runs), and the
// operator's view of them.
import type { Logger } from 'pino';
import type { Db } from '../db/prisma.js';
import { DEFAULT_TIMEZONE } from '../kernel/index.js';
import { housekeepingJob, type RetentionDays } from './housekeeping.js';
import { createHousekeepingRepo } from './housekeeping.repo.js';
import { createJobRunsRepo, type JobRunsRepo } from './job-runs.repo.js';
import { JobScheduler, type JobObserver } from './job-scheduler.js';

export { jobsRouter } from './jobs.routes.js';
export type { JobScheduler } from './job-scheduler.js';

export interface Jobs {
  scheduler: JobScheduler;
  runs: JobRunsRepo;
}

/** The domain wired over one database: what composition.ts calls; daemon.ts starts and stops it. */
export function createJobs(deps: { db: Db; processId: string; log: Logger; housekeeping: { cron: string; retentionDays: RetentionDays }; observer?: JobObserver }): Jobs {
  const runs = createJobRunsRepo(deps.db, deps.processId);
  const jobs = [housekeepingJob(createHousekeepingRepo(deps.db), deps.housekeeping.retentionDays, deps.housekeeping.cron)];
  return { scheduler: new JobScheduler(jobs, runs, deps.log, { timezone: DEFAULT_TIMEZONE, observer: deps.observer }), runs };
}
