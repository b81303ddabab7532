// `npm run cli -- doctor`: what an operator checks first when something is off, each check
// answering ok, warn (works, but look at it), fail (broken) or skipped (nothing to check here):
// the database and its migrations, the clocks, the disk, PM2, the public site through Nginx, and
// the WhatsApp Web version Baileys announces. Exit 1 when any check failed.
import { execFile } from 'node:child_process';
import { readFile, statfs } from 'node:fs/promises';
import { homedir } from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Config } from '../config/config.js';
import { loadMigrationList } from '../db/migrator.js';
import { bundledWaVersion, formatWaVersion, fromWhatsAppWeb, isNewer } from '../whatsapp/engine/index.js';
import type { DoctorRepo } from './doctor.repo.js';

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skipped';
export interface CheckResult {
  check: string;
  status: CheckStatus;
  detail: string;
}

const run = promisify(execFile);
const GB = 1024 ** 3;
/** Past this, signed requests (webhooks' timestamps, WhatsApp's) start to fail. */
const SKEW_WARN_MS = 2_000;
const SKEW_FAIL_MS = 30_000;
const TIMEOUT_MS = 5_000;

export interface DoctorDeps {
  config: Config;
  repo: DoctorRepo;
  /** The public address behind Nginx (--url): its /health must answer and its /metrics must not. */
  publicUrl?: string;
  /** The project folder (pm2 from node_modules/.bin when not on PATH). */
  root: string;
}

async function timed<T>(what: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await what();
  return { value, ms: Math.round(performance.now() - started) };
}

async function database(repo: DoctorRepo): Promise<CheckResult> {
  try {
    const { ms } = await timed(() => repo.now());
    return { check: 'database', status: 'ok', detail: `reachable (${ms} ms)` };
  } catch (err) {
    return { check: 'database', status: 'fail', detail: `not reachable: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}` };
  }
}

async function migrations(repo: DoctorRepo): Promise<CheckResult> {
  const expected = (await loadMigrationList()).migrationDirectories.map((m) => m.path);
  const applied = await repo.appliedMigrations();
  if (!applied) return { check: 'migrations', status: 'fail', detail: `the database was never migrated: run npm run db:migrate (${expected.length} migrations)` };
  const pending = expected.filter((m) => !applied.includes(m));
  const unknown = applied.filter((m) => !expected.includes(m));
  if (pending.length) return { check: 'migrations', status: 'fail', detail: `${pending.length} not applied (${pending.join(', ')}): run npm run db:migrate` };
  if (unknown.length) return { check: 'migrations', status: 'warn', detail: `the database has migrations this code does not (${unknown.join(', ')}): a newer release ran here` };
  return { check: 'migrations', status: 'ok', detail: `all ${expected.length} applied` };
}

async function clock(repo: DoctorRepo): Promise<CheckResult> {
  const before = Date.now();
  const db = (await repo.now()).getTime();
  const local = (before + Date.now()) / 2;
  const skew = Math.round(db - local);
  const detail = `the database's clock is ${Math.abs(skew)} ms ${skew >= 0 ? 'ahead of' : 'behind'} this machine's`;
  const status = Math.abs(skew) > SKEW_FAIL_MS ? 'fail' : Math.abs(skew) > SKEW_WARN_MS ? 'warn' : 'ok';
  return { check: 'clock', status, detail: status === 'ok' ? detail : `${detail}: run NTP (chrony or systemd-timesyncd) on both` };
}

async function disk(dataDir: string): Promise<CheckResult> {
  try {
    const s = await statfs(dataDir);
    const free = s.bavail * s.bsize;
    const detail = `${(free / GB).toFixed(1)} GB free for ${dataDir}`;
    return { check: 'disk', status: free < 0.2 * GB ? 'fail' : free < 1 * GB ? 'warn' : 'ok', detail };
  } catch (err) {
    return { check: 'disk', status: 'warn', detail: `${dataDir} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})` };
  }
}

/** Whether PM2's daemon runs (asking pm2 anything would start one when none does). */
async function pm2Running(): Promise<boolean> {
  const home = process.env.PM2_HOME ?? path.join(homedir(), '.pm2');
  const pid = Number((await readFile(path.join(home, 'pm2.pid'), 'utf8').catch(() => '')).trim());
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function pm2(root: string): Promise<CheckResult> {
  if (!(await pm2Running())) return { check: 'pm2', status: 'warn', detail: 'PM2 is not running for this user (PM2_HOME): pm2 start ecosystem.config.js' };
  const candidates = ['pm2', path.join(root, 'node_modules/.bin/pm2')];
  for (const bin of candidates) {
    let stdout: string;
    try {
      ({ stdout } = await run(bin, ['jlist'], { timeout: TIMEOUT_MS * 3 }));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      return { check: 'pm2', status: 'warn', detail: `pm2 jlist failed: ${(err as Error).message.split('\n')[0]}` };
    }
    // A first call spawns PM2's daemon, which may print its banner before the list.
    const list = stdout.split('\n').find((line) => line.startsWith('['));
    if (!list) return { check: 'pm2', status: 'warn', detail: 'pm2 jlist printed no process list' };
    const apps = JSON.parse(list) as { name: string; pm2_env: { status: string; restart_time: number } }[];
    const drin = apps.filter((a) => a.name === 'drin');
    if (!drin.length) return { check: 'pm2', status: 'warn', detail: 'PM2 runs no process named drin (pm2 start ecosystem.config.js)' };
    const down = drin.filter((a) => a.pm2_env.status !== 'online');
    const restarts = drin.reduce((n, a) => n + a.pm2_env.restart_time, 0);
    if (down.length) return { check: 'pm2', status: 'fail', detail: `drin is ${down.map((a) => a.pm2_env.status).join(', ')} (pm2 logs drin)` };
    return { check: 'pm2', status: 'ok', detail: `drin online (${drin.length} process${drin.length > 1 ? 'es' : ''}, ${restarts} restarts)` };
  }
  return { check: 'pm2', status: 'skipped', detail: 'pm2 is not installed here' };
}

async function publicSite(url: string | undefined): Promise<CheckResult> {
  if (!url) return { check: 'nginx', status: 'skipped', detail: 'give --url <the public address> to check the site through Nginx' };
  const get = (p: string) => fetch(new URL(p, url), { signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'manual' });
  try {
    const health = await get('/health');
    if (health.status !== 200) return { check: 'nginx', status: 'fail', detail: `${url}/health answered ${health.status}` };
    const metrics = await get('/metrics');
    if (metrics.status === 200) return { check: 'nginx', status: 'warn', detail: `${url}/metrics is public: use nginx/drin.conf, which keeps it on the VPS` };
    return { check: 'nginx', status: 'ok', detail: `${url}/health answers; /metrics is not public` };
  } catch (err) {
    return { check: 'nginx', status: 'fail', detail: `${url} cannot be reached: ${err instanceof Error ? err.message : String(err)}` };
  }
}

async function whatsappVersion(config: Config): Promise<CheckResult> {
  const baileys = (createRequire(import.meta.url)('@whiskeysockets/baileys/package.json') as { version: string }).version;
  const announced = config.whatsapp.webVersion ?? bundledWaVersion();
  const base = `Baileys ${baileys} announces WhatsApp Web ${formatWaVersion(announced)}${config.whatsapp.webVersion ? ' (WA_WEB_VERSION)' : ''}`;
  if (!config.whatsapp.webVersionRefresh) return { check: 'whatsapp-version', status: 'ok', detail: `${base}; not compared with WhatsApp Web (refresh off)` };
  try {
    const published = await fromWhatsAppWeb(AbortSignal.timeout(TIMEOUT_MS));
    if (!isNewer(published, announced)) return { check: 'whatsapp-version', status: 'ok', detail: `${base}; WhatsApp Web runs ${formatWaVersion(published)}` };
    // The daemon refreshes at boot unless pinned: only a pin stays behind.
    const status = config.whatsapp.webVersion ? 'warn' : 'ok';
    return { check: 'whatsapp-version', status, detail: `${base}; WhatsApp Web runs ${formatWaVersion(published)}${status === 'warn' ? ': raise or remove WA_WEB_VERSION' : ', which the daemon announces after its boot refresh'}` };
  } catch (err) {
    return { check: 'whatsapp-version', status: 'warn', detail: `${base}; WhatsApp Web's version could not be read (${err instanceof Error ? err.message : String(err)})` };
  }
}

export async function runDoctor(deps: DoctorDeps): Promise<CheckResult[]> {
  const reachable = await database(deps.repo);
  const dbChecks = reachable.status === 'ok' ? [await migrations(deps.repo), await clock(deps.repo)] : [];
  return [reachable, ...dbChecks, await disk(deps.config.dataDir), await pm2(deps.root), await publicSite(deps.publicUrl), await whatsappVersion(deps.config)];
}

export function formatChecks(results: CheckResult[]): string {
  return results.map((r) => `${r.status.padEnd(7)} ${r.check.padEnd(16)} ${r.detail}`).join('\n');
}
