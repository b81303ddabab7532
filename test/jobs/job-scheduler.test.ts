// A job scheduled in two daemon processes runs once per occurrence: two schedulers over one
// database (each its own process id, claiming through job_runs as two processes do) fire the same
// every-second schedule, and each occurrence runs in exactly one of them. A job that throws is
// recorded failed, with its message, and the schedule goes on.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { createJobRunsRepo } from '../../src/jobs/job-runs.repo.js';
import { JobScheduler } from '../../src/jobs/job-scheduler.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { eventually } from '../support/eventually.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.destroy();
});

const log = pino({ level: 'silent' });

it('each occurrence of a job scheduled in two processes runs in one of them', async () => {
  const ran: { process: string; at: number }[] = [];
  const schedulerOf = (process: string) =>
    new JobScheduler(
      [{ name: 'tick', cron: '* * * * * *', run: async () => (ran.push({ process, at: Math.floor(Date.now() / 1000) }), { process }) }],
      createJobRunsRepo(db.prisma, process),
      log,
      { timezone: 'UTC' },
    );
  const [a, b] = [schedulerOf('process-a'), schedulerOf('process-b')];
  a.start();
  b.start();
  const rows = await eventually(() => db.prisma.jobRun.findMany({ where: { job: 'tick', result: 'ok' } }), (r) => r.length >= 4, 60_000);
  await Promise.all([a.stop(), b.stop()]);
  const all = await db.prisma.jobRun.findMany({ where: { job: 'tick' } });
  // One run per occurrence, by the process its row names, and no run without its row.
  expect(ran.length).toBe(all.length);
  expect(new Set(all.map((r) => r.scheduledFor.toISOString())).size).toBe(all.length);
  for (const row of rows) expect(row.detail).toEqual({ process: row.processId });
});

it('a job that throws is recorded failed with its message, and runs again at the next occurrence', async () => {
  let calls = 0;
  const scheduler = new JobScheduler(
    [{ name: 'flaky', cron: '* * * * * *', run: async () => { calls += 1; throw new Error(`attempt ${calls} failed`); } }],
    createJobRunsRepo(db.prisma, 'process-c'),
    log,
    { timezone: 'UTC' },
  );
  scheduler.start();
  const failed = await eventually(() => db.prisma.jobRun.findMany({ where: { job: 'flaky', result: 'failed' } }), (r) => r.length >= 2, 60_000);
  await scheduler.stop();
  expect(failed.map((r) => r.error)).toEqual(expect.arrayContaining(['attempt 1 failed', 'attempt 2 failed']));
});
