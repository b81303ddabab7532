// Run: npm run bench -- scale-out   (knobs: BENCH_SLOTS, BENCH_PROCESSES, BENCH_LINK_PARALLEL,
// BENCH_RESUME_*, BENCH_SCAN_INTERVAL_MS, BENCH_DEADLINE_MS)
//
// Scale-out (issue 15, item 6): BENCH_SLOTS slots (300) shared by 2, then 3 daemon processes on
// one database. One daemon links them all and stops; for each process count, that many daemons
// boot together and split the slots between them (who holds which slot lock, read from Postgres);
// then the one holding the most is killed with SIGKILL and the survivors take its slots over.
// The simulator in this process says when every slot is open again and counts double opens (a
// device logging in while another connection of it is still open): there must be none. Daemons
// run from source through tsx, with production clocks unless a knob says otherwise.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { DaemonProcess } from '../test/support/daemon-process.js';
import { slotLockKey } from '../src/whatsapp/engine/slot-locks.js';
import { eventually } from '../test/support/eventually.js';
import { startSimulator } from '../test/wa-sim/index.js';
import { childPids, configuredPacing, DaemonFleet, fleetEnv, runHeader, withScratchDatabase } from './fleet-daemons.js';
import { num } from './bench-env.js';
import { connectedOver, linkFleet, type FleetSlot } from './fleet-link.js';
import { holdings } from './fleet-postgres.js';
import { seconds, waitForComeback, type Comeback } from './fleet-watch.js';

const SLOTS = num('BENCH_SLOTS', 300);
const PROCESS_COUNTS = (process.env.BENCH_PROCESSES ?? '2,3').split(',').map(Number);
const LINK_PARALLEL = num('BENCH_LINK_PARALLEL', 4);
const DEADLINE_MS = num('BENCH_DEADLINE_MS', 20 * 60_000);

interface Round {
  processes: number;
  boot: Comeback;
  spread: number[];
  killedSlots: number;
  /** ms from the SIGKILL until the simulator saw every socket of the killed process close */
  socketsGoneMs: number;
  takeover: Comeback;
  survivorSpread: number[];
  connectedAfter: number;
  /** the most Postgres connections one daemon had open at a sampled instant */
  peakConnections: number;
}

const sim = await startSimulator();
const fleet = new DaemonFleet();
const dataDir = await mkdtemp(path.join(tmpdir(), 'drin-bench-scale-'));
const out = (line: string) => process.stdout.write(`${line}\n`);
try {
  await withScratchDatabase('drin_bench_scale', fleet, async (db) => {
    const env = fleetEnv(sim, db, dataDir);
    const pool = new pg.Pool({ connectionString: db, max: 1 });
    try {
      const linker = await fleet.spawn(env);
      const linkStart = Date.now();
      const slots = await linkFleet(linker.url, sim, SLOTS, LINK_PARALLEL);
      const linkMs = Date.now() - linkStart;
      await linker.stop('SIGTERM');
      const rounds: Round[] = [];
      for (const processes of PROCESS_COUNTS) rounds.push(await round(processes, slots, env, pool));

      out(runHeader());
      out(`configured pacing (per process): ${configuredPacing(env)}; ${SLOTS} slots linked through one daemon in ${seconds(linkMs)} s`);
      out('');
      out('| processes | boot: all open (s) | boot: peak logins in 1 s | slots per process | killed process held | its sockets seen closed (ms) | takeover: all open again (s) | takeover: peak logins in 1 s | slots per survivor | connected after | double opens | max Postgres connections of one process |');
      out('|---:|---:|---:|---|---:|---:|---:|---:|---|---:|---:|---:|');
      for (const r of rounds) {
        out(`| ${r.processes} | ${seconds(r.boot.allOpenMs)} | ${r.boot.peakPerSecond} | ${r.spread.join(' / ')} | ${r.killedSlots} | ${r.socketsGoneMs} | ${seconds(r.takeover.allOpenMs)} | ${r.takeover.peakPerSecond} | ${r.survivorSpread.join(' / ')} | ${r.connectedAfter} | ${r.boot.doubleOpens + r.takeover.doubleOpens} | ${r.peakConnections} |`);
      }
      out('');
      out(`double opens over the whole run (linking included): ${sim.doubleOpens()}`);
    } finally {
      await pool.end();
    }
  });
} finally {
  await fleet.killAll();
  await sim.close();
  await rm(dataDir, { recursive: true, force: true });
}

/** `processes` daemons boot together on the linked slots, one of them is killed, the rest take over. */
async function round(processes: number, slots: FleetSlot[], env: Record<string, string>, pool: pg.Pool): Promise<Round> {
  const keyOf = new Map(slots.map((s) => [slotLockKey({ storeId: s.store.storeId, slot: s.slot }), s]));
  const pidsOf = (daemons: DaemonProcess[]) => daemons.map((d) => d.child.pid!);
  // Every daemon's connections, sampled while the slots come back (listening or not yet).
  let peakConnections = 0;
  const sample = async () => {
    peakConnections = Math.max(peakConnections, ...(await holdings(pool, childPids())).connections);
  };

  const bootAt = Date.now();
  const booting = Promise.all(Array.from({ length: processes }, () => fleet.spawn(env)));
  const boot = await waitForComeback(sim, slots.map((s) => s.phone), bootAt, DEADLINE_MS, sample);
  const daemons = await booting;
  // Every slot lock with a live daemon (the stop before released them all).
  const spread = await eventually(() => holdings(pool, pidsOf(daemons)), (h) => total(h.slotLocks) === slots.length, 60_000);
  if (total(spread.slotLocks) !== slots.length) throw new Error(`after the boot, daemons hold ${total(spread.slotLocks)} of ${slots.length} slot locks`);

  const victim = spread.slotLocks.reduce((most, locks, i) => (locks.size > spread.slotLocks[most]!.size ? i : most), 0);
  const victimSlots = [...spread.slotLocks[victim]!].map((key) => keyOf.get(key)!);
  const survivors = daemons.filter((_, i) => i !== victim);
  const killedAt = Date.now();
  daemons[victim]!.child.kill('SIGKILL');
  const socketsGoneMs = await victimSocketsGone(victimSlots.map((s) => s.phone), killedAt);
  const takeover = await waitForComeback(sim, victimSlots.map((s) => s.phone), killedAt, DEADLINE_MS, sample);
  const after = await eventually(() => holdings(pool, pidsOf(survivors)), (h) => total(h.slotLocks) === slots.length && h.strayLocks === 0, 60_000);
  if (total(after.slotLocks) !== slots.length) throw new Error(`after the takeover, survivors hold ${total(after.slotLocks)} of ${slots.length} slot locks (${after.strayLocks} elsewhere)`);
  const connectedAfter = await eventually(() => connectedOver(survivors[0]!.url, slots), (n) => n === slots.length, 120_000);
  await sample();

  await Promise.all(survivors.map((d) => d.stop('SIGTERM')));
  return {
    processes,
    boot,
    spread: spread.slotLocks.map((s) => s.size),
    killedSlots: victimSlots.length,
    socketsGoneMs,
    takeover,
    survivorSpread: after.slotLocks.map((s) => s.size),
    connectedAfter,
    peakConnections,
  };
}

/**
 * A takeover is only safe once the dead process's WhatsApp sockets are gone: how long the
 * simulator took to see all of them close (polled finely; the survivors' scans come seconds later).
 */
async function victimSocketsGone(phones: string[], killedAt: number): Promise<number> {
  const open = () => phones.filter((p) => sim.logins({ since: killedAt }).every((l) => l.phone !== p) && sim.phone(p).connectionCount() > 0);
  while (open().length > 0) {
    if (Date.now() - killedAt > 60_000) throw new Error(`${open().length} sockets of the killed process still open after 60 s`);
    await new Promise((r) => setTimeout(r, 2));
  }
  return Date.now() - killedAt;
}

function total(sets: Set<string>[]): number {
  return sets.reduce((n, s) => n + s.size, 0);
}
