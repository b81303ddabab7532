// The housekeeping job: every table that grows without bound trimmed to its retention (days;
// 0 keeps forever). One job, so one claim and one row say what a night's purge did.
import type { JobDefinition } from './job-scheduler.js';
import type { HousekeepingRepo } from './housekeeping.repo.js';

export interface RetentionDays {
  slotCommands: number;
  statusEvents: number;
  webhookDeliveries: number;
  mcpTokens: number;
  media: number;
  jobRuns: number;
}

const DAY_MS = 86_400_000;

export function housekeepingJob(repo: HousekeepingRepo, retention: RetentionDays, cronExpression: string, now: () => Date = () => new Date()): JobDefinition {
  return {
    name: 'housekeeping',
    cron: cronExpression,
    async run() {
      const detail: Record<string, number | null> = {};
      // One after another: a night's purge is no reason to load the database in parallel.
      for (const part of Object.keys(retention) as (keyof RetentionDays)[]) {
        const days = retention[part];
        detail[part] = days > 0 ? await repo[part](new Date(now().getTime() - days * DAY_MS)) : null;
      }
      return detail;
    },
  };
}
