// The daily snapshot run: every contact with a message (either way) in the last 24 hours gets a
// fresh snapshot, unless it has one under 12 hours old. Every daemon process schedules it; a
// Postgres advisory lock lets one of them run it at a time. A process whose clock fires after the
// winner finished would run it again, and find every contact already done (the 12-hour rule).
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import { AppError, DEFAULT_TIMEZONE, ErrorCode } from '../kernel/index.js';
import type { SnapshotsRepo } from './snapshots.repo.js';
import type { SnapshotsService } from './snapshots.service.js';

export const DEFAULT_SNAPSHOT_CRON = '15 3 * * *';
const ACTIVE_WINDOW_MS = 24 * 60 * 60_000;

export interface SnapshotJobOptions {
  snapshots: Pick<SnapshotsService, 'generate'>;
  repo: Pick<SnapshotsRepo, 'activeContacts' | 'tryDailyJobLock'>;
  log: Logger;
  /** node-cron expression (default '15 3 * * *': 03:15). */
  cron?: string;
  /** The zone the expression is read in (default America/Sao_Paulo). */
  timezone?: string;
  now?: () => Date;
}

export interface SnapshotJobRun {
  /** False when another process held the lock: this one did nothing. */
  ran: boolean;
  contacts: number;
  created: number;
}

export function createSnapshotJob(options: SnapshotJobOptions) {
  const { snapshots, repo, log } = options;
  const clock = options.now ?? (() => new Date());
  const expression = options.cron ?? DEFAULT_SNAPSHOT_CRON;
  if (!cron.validate(expression)) throw new Error(`not a cron expression: ${expression}`);
  let task: ScheduledTask | undefined;
  let running: Promise<SnapshotJobRun> | undefined;
  let stopping = false;

  /** One contact after another: the run is cheap in parallelism and gentle on the rate limits. */
  async function visit(contacts: Array<{ storeId: string; contactId: string }>): Promise<number> {
    let created = 0;
    const spent = new Set<string>();
    for (const { storeId, contactId } of contacts) {
      if (stopping) break;
      if (spent.has(storeId)) continue;
      try {
        if ((await snapshots.generate(storeId, contactId, { reason: 'daily' })).created) created += 1;
      } catch (err) {
        const reason = err instanceof AppError && err.code === ErrorCode.CONFLICT ? (err.details as { reason?: string } | undefined)?.reason : undefined;
        // Without an LLM nothing else will work either; a spent budget stops that store's contacts.
        if (reason === 'llm_not_configured') {
          log.info('daily snapshots skipped: no OPENROUTER_API_KEY');
          break;
        }
        if (reason === 'budget_exhausted') {
          spent.add(storeId);
          log.info({ storeId }, 'daily snapshots stopped for the store: its monthly LLM budget is spent');
          continue;
        }
        log.warn({ err, storeId, contactId }, 'a daily snapshot failed');
      }
    }
    return created;
  }

  async function runLocked(): Promise<SnapshotJobRun> {
    const release = await repo.tryDailyJobLock((err) => log.warn({ err }, 'the snapshot job lost its lock connection; it finishes the run'));
    if (!release) {
      log.info('daily snapshots: another process is running them');
      return { ran: false, contacts: 0, created: 0 };
    }
    try {
      const contacts = await repo.activeContacts(new Date(clock().getTime() - ACTIVE_WINDOW_MS));
      const created = await visit(contacts);
      log.info({ contacts: contacts.length, created }, 'daily snapshots done');
      return { ran: true, contacts: contacts.length, created };
    } finally {
      await release();
    }
  }

  /** One run now; a second call while one runs in this process shares it. */
  function runOnce(): Promise<SnapshotJobRun> {
    running ??= runLocked().finally(() => {
      running = undefined;
    });
    return running;
  }

  return {
    runOnce,

    start(): void {
      stopping = false;
      task ??= cron.schedule(
        expression,
        async () => {
          await runOnce().catch((err: unknown) => log.error({ err }, 'the daily snapshot run failed'));
        },
        { name: 'drin-daily-snapshots', timezone: options.timezone ?? DEFAULT_TIMEZONE, noOverlap: true },
      );
    },

    /** Stops the schedule and waits for a run under way, which ends after its current contact. */
    async stop(): Promise<void> {
      stopping = true;
      const t = task;
      task = undefined;
      await t?.destroy();
      await running?.catch(() => {});
    },
  };
}

export type SnapshotJob = ReturnType<typeof createSnapshotJob>;
