// Run: npm run bench -- boot-resume   (knobs: BENCH_SLOTS, BENCH_LINK_PARALLEL, BENCH_RESUME_*,
// BENCH_SCAN_INTERVAL_MS, BENCH_DEADLINE_MS)
//
// Boot resume (issue 15, item 4; goal: all open again within 30 s, and no 1 s window with more
// connections than the configured rate). One daemon links BENCH_SLOTS slots (300: 100 stores × 3),
// stops gracefully, and a new daemon process on the same database resumes them from their saved
// sessions. The simulator in this process records every connection and login: when the last slot
// was open again, and the most connections (and logins) in any 1 s window, printed beside the pacing the daemon's config parser
// reads from the same environment (production defaults unless BENCH_RESUME_<X> sets
// SLOT_RESUME_<X>). The daemon runs from source through tsx, which boots slower than `npm start`.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eventually } from '../test/support/eventually.js';
import { startSimulator } from '../test/wa-sim/index.js';
import { configuredPacing, configuredRate, DaemonFleet, fleetEnv, runHeader, withScratchDatabase } from './fleet-daemons.js';
import { num } from './bench-env.js';
import { connectedOver, linkFleet } from './fleet-link.js';
import { seconds, waitForComeback } from './fleet-watch.js';

const SLOTS = num('BENCH_SLOTS', 300);
const LINK_PARALLEL = num('BENCH_LINK_PARALLEL', 4);
const DEADLINE_MS = num('BENCH_DEADLINE_MS', 20 * 60_000);
const GOAL_MS = 30_000;

const sim = await startSimulator();
const fleet = new DaemonFleet();
const dataDir = await mkdtemp(path.join(tmpdir(), 'drin-bench-boot-'));
try {
  await withScratchDatabase('drin_bench_boot', fleet, async (db) => {
    const env = fleetEnv(sim, db, dataDir);
    const first = await fleet.spawn(env);
    const linkStart = Date.now();
    const slots = await linkFleet(first.url, sim, SLOTS, LINK_PARALLEL);
    const linkMs = Date.now() - linkStart;

    const stopStart = Date.now();
    const stopCode = await first.stop('SIGTERM');
    const stopMs = Date.now() - stopStart;
    const attemptsBefore = sim.connectionAttempts();

    const since = Date.now();
    const second = fleet.spawn(env);
    const listeningMs = second.then(() => Date.now() - since);
    const back = await waitForComeback(sim, slots.map((s) => s.phone), since, DEADLINE_MS);
    const daemon = await second;
    const connected = await eventually(() => connectedOver(daemon.url, slots), (n) => n === SLOTS, 120_000);
    const rate = configuredRate(env);

    const out = (line: string) => process.stdout.write(`${line}\n`);
    out(runHeader());
    out('');
    out('| measure | value |');
    out('|---|---|');
    out(`| slots | ${SLOTS} |`);
    out(`| configured pacing | ${configuredPacing(env)} |`);
    out(`| link all (s, ${LINK_PARALLEL} stores at a time) | ${seconds(linkMs)} |`);
    out(`| graceful stop (s, exit code) | ${seconds(stopMs)} (${stopCode}) |`);
    out(`| spawn → first login (s) | ${seconds(back.firstLoginMs)} |`);
    out(`| spawn → all open (s) | ${seconds(back.allOpenMs)} |`);
    out(`| first → last login (s) | ${seconds(back.allOpenMs - back.firstLoginMs)} |`);
    out(`| spawn → HTTP listening (s) | ${seconds(await listeningMs)} |`);
    out(`| peak connections accepted in any 1 s (the dials) | ${back.peakConnectsPerSecond} |`);
    out(`| peak logins in any 1 s | ${back.peakPerSecond} |`);
    out(`| mean logins/s, first → last login | ${((SLOTS - 1) / Math.max(0.001, (back.allOpenMs - back.firstLoginMs) / 1000)).toFixed(1)} |`);
    out(`| configured rate (dials/s) | ${rate ?? 'none (this engine has no rate)'} |`);
    out(`| logins / connections accepted during the resume | ${back.logins} / ${sim.connectionAttempts() - attemptsBefore} |`);
    out(`| double opens | ${back.doubleOpens} |`);
    out(`| connected after (GET sessions) | ${connected} |`);
    const inTime = back.allOpenMs <= GOAL_MS;
    const paced = rate === undefined || back.peakConnectsPerSecond <= rate;
    out(`| goal: all open ≤ ${GOAL_MS / 1000} s, no 1 s above the rate | ${inTime && paced ? 'met' : `missed (${[!inTime && 'too slow', !paced && 'burst above the rate'].filter(Boolean).join(', ')})`} |`);
    await daemon.stop('SIGTERM');
  });
} finally {
  await fleet.killAll();
  await sim.close();
  await rm(dataDir, { recursive: true, force: true });
}
