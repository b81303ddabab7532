// What the fleet benchmarks (boot-resume, scale-out) share about their daemons: the environment
// they run with (production clocks and pacing, BENCH_RESUME_* passed through), the pacing that
// environment configures (read through the daemon's own config parser, so it matches whichever
// engine the tree holds), the scratch database, and daemon processes that are always killed.
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { loadConfig } from '../src/config/config.js';
import { dropDatabase, ensureDatabaseExists, withDatabaseName } from '../src/db/database-admin.js';
import { daemonEnv } from '../test/support/daemon-env.js';
import { spawnDaemon, type DaemonProcess } from '../test/support/daemon-process.js';
import type { WhatsAppSimulator } from '../test/wa-sim/index.js';
import { BENCH_SERVER, benchedCommit } from './bench-env.js';


/** The first line of a fleet benchmark's output: what ran, where, how busy the machine was. */
export function runHeader(): string {
  return `commit ${benchedCommit()}; node ${process.version}; nproc ${cpus().length}; load ${loadavg().map((l) => l.toFixed(2)).join(' ')}; daemons from source (tsx), simulator in the bench process`;
}

/**
 * The daemon's environment: the simulator's, with the engine's production clocks (daemonEnv's
 * fast test clocks removed) unless a knob sets them. BENCH_RESUME_<X> becomes SLOT_RESUME_<X>
 * (CONCURRENCY, JITTER_MS, RATE_PER_SEC, whatever the engine reads), BENCH_SCAN_INTERVAL_MS
 * becomes SLOT_SCAN_INTERVAL_MS.
 */
export function fleetEnv(sim: WhatsAppSimulator, databaseUrl: string, dataDir: string): Record<string, string> {
  const env = daemonEnv(sim, { url: databaseUrl }, dataDir, { LOG_LEVEL: 'info' });
  for (const fast of ['SLOT_RESUME_JITTER_MS', 'SLOT_SCAN_INTERVAL_MS', 'SLOT_BACKOFF_BASE_MS', 'SLOT_BACKOFF_CAP_MS']) delete env[fast];
  for (const [name, value] of Object.entries(process.env)) {
    if (name.startsWith('BENCH_RESUME_') && value !== undefined) env[`SLOT_RESUME_${name.slice('BENCH_RESUME_'.length)}`] = value;
  }
  if (process.env.BENCH_SCAN_INTERVAL_MS) env.SLOT_SCAN_INTERVAL_MS = process.env.BENCH_SCAN_INTERVAL_MS;
  return env;
}

/** The resume pacing and scan interval `env` gives a daemon, as its config parser reads them. */
export function configuredPacing(env: Record<string, string>): string {
  const { slots } = loadConfig(env);
  const shown = Object.entries(slots).filter(([key]) => key.startsWith('resume') || key === 'scanIntervalMs');
  return shown.map(([key, value]) => `${key} ${value}`).join(', ');
}

/** `SLOT_RESUME_RATE_PER_SEC` as the daemon reads it, when its engine has one. */
export function configuredRate(env: Record<string, string>): number | undefined {
  const rate = (loadConfig(env).slots as unknown as Record<string, unknown>).resumeRatePerSec;
  return typeof rate === 'number' ? rate : undefined;
}

/**
 * Runs `body` with a new database on BENCH_DATABASE_URL's server; whatever happens, kills the
 * fleet's daemons and then drops the database.
 */
export async function withScratchDatabase<T>(prefix: string, fleet: DaemonFleet, body: (url: string) => Promise<T>): Promise<T> {
  const server = BENCH_SERVER;
  const url = withDatabaseName(server, `${prefix}_${randomBytes(4).toString('hex')}`);
  await ensureDatabaseExists(url);
  try {
    return await body(url);
  } finally {
    await fleet.killAll();
    await dropDatabase(url);
  }
}

/** Daemon processes started by a benchmark; `killAll` ends every one, listening yet or not. */
export class DaemonFleet {
  readonly started: DaemonProcess[] = [];

  /** A daemon only listens once its boot resume is over: with hundreds of slots, give it minutes. */
  async spawn(env: Record<string, string>, listenTimeoutMs = 15 * 60_000): Promise<DaemonProcess> {
    const daemon = await spawnDaemon(env, listenTimeoutMs);
    this.started.push(daemon);
    return daemon;
  }

  /**
   * SIGKILL to every child process of this one: a daemon still booting (spawnDaemon has not
   * handed it over yet, or gave up waiting for it) is found by its parent pid in /proc.
   */
  async killAll(): Promise<void> {
    const pids = childPids();
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* exited since it was listed */
      }
    }
    await Promise.all(this.started.map((d) => d.exited));
    for (let waited = 0; childPids().some((p) => pids.includes(p)) && waited < 100; waited++) await new Promise((r) => setTimeout(r, 100));
  }
}

/** Live (not zombie) processes whose parent is this process: the daemons it started. */
export function childPids(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((name) => {
      try {
        // pid (comm) state ppid …: comm may hold spaces and parentheses, so read after the last one.
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return Number(ppid) === process.pid && state !== 'Z' ? [Number(name)] : [];
      } catch {
        return []; // gone meanwhile
      }
    });
}
