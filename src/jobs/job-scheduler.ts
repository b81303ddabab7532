// Scheduled jobs, run once per occurrence across every daemon process: each process schedules
// every job with node-cron, whose distributed mode asks a run coordinator before each fire; ours
// claims the occurrence in job_runs (an INSERT on its key), so exactly one process runs it and the
// others skip it. The run's end — ok with what it did, or failed with why — goes on the same row,
// and to the metrics.
import cron, { type RunCoordinator, type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import type { Prisma } from '../db/prisma.js';
import type { JobRunsRepo } from './job-runs.repo.js';

export interface JobDefinition {
  /** Also node-cron's task name, hence the first part of every occurrence's key. */
  name: string;
  /** node-cron expression (seconds optional), read in `timezone`. */
  cron: string;
  /** What the run did, for the job's row (counts, never secrets). */
  run(): Promise<Prisma.InputJsonObject>;
}

export interface JobObserver {
  ran?(job: string, result: 'ok' | 'failed', seconds: number): void;
}

/** node-cron's key is `<task name>:<occurrence ISO>`; the name has no colon. */
function splitKey(key: string): { job: string; scheduledFor: Date } {
  const at = key.indexOf(':');
  return { job: key.slice(0, at), scheduledFor: new Date(key.slice(at + 1)) };
}

export class JobScheduler {
  private readonly tasks: ScheduledTask[] = [];
  private readonly running = new Set<Promise<unknown>>();
  private readonly coordinator: RunCoordinator;

  constructor(
    private readonly jobs: readonly JobDefinition[],
    private readonly runs: JobRunsRepo,
    private readonly log: Logger,
    private readonly options: { timezone: string; observer?: JobObserver },
  ) {
    for (const job of jobs) {
      if (job.name.includes(':')) throw new Error(`a job name has no colon: ${job.name}`);
      if (!cron.validate(job.cron)) throw new Error(`not a cron expression for ${job.name}: ${job.cron}`);
    }
    this.coordinator = {
      shouldRun: (key) => {
        const { job, scheduledFor } = splitKey(key);
        return this.runs.claim(key, job, scheduledFor);
      },
    };
  }

  get names(): string[] {
    return this.jobs.map((j) => j.name);
  }

  scheduleOf(name: string): string | undefined {
    return this.jobs.find((j) => j.name === name)?.cron;
  }

  start(): void {
    if (this.tasks.length) return;
    for (const job of this.jobs) {
      const task = cron.schedule(job.cron, (ctx) => this.track(this.runOccurrence(job, `${job.name}:${ctx.date.toISOString()}`)), {
        name: job.name,
        timezone: this.options.timezone,
        noOverlap: true,
        distributed: true,
        runCoordinator: this.coordinator,
        // The process must be able to exit while a schedule waits.
        unref: true,
      });
      this.tasks.push(task);
    }
  }

  /** Stops every schedule and waits for the runs under way. */
  async stop(): Promise<void> {
    const tasks = this.tasks.splice(0);
    await Promise.all(tasks.map((t) => t.destroy()));
    await Promise.allSettled([...this.running]);
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.running.add(work);
    void work.finally(() => this.running.delete(work)).catch(() => undefined);
    return work;
  }

  /** The occurrence `key`, already claimed by this process: run it and record how it ended. */
  private async runOccurrence(job: JobDefinition, key: string): Promise<void> {
    const log = this.log.child({ job: job.name, key });
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    let outcome: Parameters<JobRunsRepo['finish']>[1];
    try {
      const detail = await job.run();
      outcome = { result: 'ok', durationMs: Math.round(seconds() * 1000), detail };
      log.info({ detail, durationMs: outcome.durationMs }, 'scheduled job done');
    } catch (err) {
      outcome = { result: 'failed', durationMs: Math.round(seconds() * 1000), error: err instanceof Error ? err.message : String(err) };
      log.error({ err }, 'scheduled job failed');
    }
    this.options.observer?.ran?.(job.name, outcome.result, seconds());
    await this.runs.finish(key, outcome).catch((err: unknown) => log.error({ err }, 'recording a scheduled job\'s end failed'));
  }
}
