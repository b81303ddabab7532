// The process-level owner of WhatsApp slots. It runs a SlotSupervisor for each slot whose
// advisory lock it holds, resumes wanted slots on boot (bounded concurrency, jitter), takes over
// slots whose owner died, and runs commands — its own directly, other processes' through
// slot_commands rows.
import type pg from 'pg';
import type { Logger } from 'pino';
import type { SlotRef } from '../../events/domain-events.js';
import type { DomainEventBus } from '../../events/event-bus.js';
import { AuthKeyCache, loadPostgresAuthState } from './auth/index.js';
import { backoffDelay } from './backoff.js';
import type { EngineOptions } from './engine-options.js';
import { runCommand, runCommandUnowned } from './slot-command-runner.js';
import { createSlotCommandQueue, type CommandOutcome, type SlotCommand } from './slot-commands.js';
import { CHANNELS, SlotLocks } from './slot-locks.js';
import { SlotStateRecorder } from './slot-state-recorder.js';
import { SlotSupervisor } from './slot-supervisor.js';
import type { TSlotStatus } from '../../kernel/index.js';
import type { SlotsRepo } from './slots.repo.js';

export type StartOutcome = 'started' | 'already-running' | 'running-elsewhere';

export interface EngineDeps {
  databaseUrl: string;
  pool: pg.Pool;
  slots: SlotsRepo;
  bus: DomainEventBus;
  log: Logger;
  options: EngineOptions;
  /** Told after every slot change this process records or hears of (live streams). */
  onSlotChanged: (ref: SlotRef) => void;
}

const keyOf = (ref: SlotRef) => `${ref.storeId}:${ref.slot}`;

export class SessionEngine {
  private readonly supervisors = new Map<string, SlotSupervisor>();
  /** Slots between parking and giving their lock back: the scan must not restart them. */
  private readonly releasing = new Set<string>();
  private readonly commands;
  private readonly locks: SlotLocks;
  private readonly recorder: SlotStateRecorder;
  private readonly authCache = new AuthKeyCache();
  /** Slots whose start failed (a database error, say): not retried before `until`. */
  private readonly startFailures = new Map<string, { count: number; until: number }>();
  private scanTimer: NodeJS.Timeout | undefined;
  private scanning: Promise<void> | undefined;
  private closing = false;

  constructor(private readonly deps: EngineDeps) {
    this.commands = createSlotCommandQueue(deps.pool);
    this.recorder = new SlotStateRecorder(deps.bus, deps.slots, deps.log.child({ component: 'slot-state' }), deps.onSlotChanged);
    this.locks = new SlotLocks(deps.databaseUrl, deps.log.child({ component: 'slot-locks' }), {
      onLost: () => this.onLocksLost(),
      onNotification: (channel, payload) => this.onNotification(channel, payload),
    });
  }

  async start(): Promise<void> {
    await this.locks.open();
    await this.scan(true);
    this.scanTimer = setInterval(() => void this.scan(false), this.deps.options.scanIntervalMs);
  }

  /** Graceful: close every socket without logging out, flush auth writes, release every lock. */
  async stop(): Promise<void> {
    this.closing = true;
    clearInterval(this.scanTimer);
    await this.scanning;
    await Promise.all([...this.supervisors.values()].map((s) => s.stop('disconnected')));
    this.supervisors.clear();
    await this.recorder.drain();
    this.recorder.close();
    await this.locks.close();
  }

  supervisor(ref: SlotRef): SlotSupervisor | undefined {
    return this.supervisors.get(keyOf(ref));
  }

  /** Marks the slot wanted and runs it here unless another process already does. */
  async startSlot(ref: SlotRef): Promise<StartOutcome> {
    await this.deps.slots.setDesired(ref, 'running');
    if (this.supervisor(ref)) return 'already-running';
    if (!(await this.locks.tryAcquire(ref))) return 'running-elsewhere';
    await this.runHere(ref);
    return 'started';
  }

  /** Runs a command wherever the slot lives; null when its owner did not answer in time. */
  async execute(ref: SlotRef, command: SlotCommand): Promise<CommandOutcome | null> {
    const local = this.supervisor(ref);
    if (local) return runCommand(local, command, this);
    if (await this.locks.tryAcquire(ref)) return runCommandUnowned(ref, command, this);
    const id = await this.commands.submit(ref, command);
    return this.commands.awaitOutcome(id, this.deps.options.commandTimeoutMs);
  }

  // ─── used by the command runner ───

  loadAuth(ref: SlotRef) {
    return loadPostgresAuthState({ pool: this.deps.pool, ...ref, cache: this.authCache, logger: this.slotLog(ref) });
  }

  async runHere(ref: SlotRef): Promise<SlotSupervisor> {
    const existing = this.supervisor(ref);
    if (existing) return existing;
    const supervisor = new SlotSupervisor({
      ref,
      log: this.slotLog(ref),
      bus: this.deps.bus,
      options: this.deps.options,
      loadAuth: () => this.loadAuth(ref),
      onParked: () => this.release(ref),
    });
    this.supervisors.set(keyOf(ref), supervisor);
    await supervisor.start().catch(async (err: unknown) => {
      const count = (this.startFailures.get(keyOf(ref))?.count ?? 0) + 1;
      const retryInMs = backoffDelay(count - 1, this.deps.options.backoff);
      this.startFailures.set(keyOf(ref), { count, until: Date.now() + retryInMs });
      this.slotLog(ref).error({ err, retryInMs }, 'slot failed to start');
      this.supervisors.delete(keyOf(ref));
      await this.locks.release(ref);
      throw err;
    });
    this.startFailures.delete(keyOf(ref));
    return supervisor;
  }

  /** The slot is parked or stopped: nobody should run it until it is started again. */
  async release(ref: SlotRef): Promise<void> {
    this.releasing.add(keyOf(ref));
    try {
      this.supervisors.delete(keyOf(ref));
      // desired=stopped is committed before the lock goes, so whoever takes the lock next sees it.
      await this.deps.slots.setDesired(ref, 'stopped');
      await this.recorder.drain();
      await this.locks.release(ref);
    } finally {
      this.releasing.delete(keyOf(ref));
    }
  }

  /** A status decided without a socket (stop or logout of a slot nobody runs). */
  async reportStatus(ref: SlotRef, status: TSlotStatus, lastError: string | null): Promise<void> {
    await this.deps.bus.emit('session.status', { ...ref, status, lastError, at: new Date() });
    await this.recorder.drain();
  }

  /** Resolves when every slot status recorded so far is in the database. */
  async drainSlotWrites(ref?: SlotRef): Promise<void> {
    // Events wait in the bus's per-slot queues before they reach the recorder: drain those first,
    // or a reader right after a status change (start's answer) can still find the old row.
    await this.deps.bus.drain(ref);
    await this.recorder.drain();
  }

  // ─── internals ───

  private slotLog(ref: SlotRef): Logger {
    return this.deps.log.child({ storeId: ref.storeId, slot: ref.slot });
  }

  /** Resumes (boot) or takes over (later) wanted slots nobody runs, and picks up missed commands. */
  private scan(boot: boolean): Promise<void> {
    if (this.scanning || this.closing || !this.locks.isOpen) return this.scanning ?? Promise.resolve();
    this.scanning = this.scanOnce(boot)
      .catch((err: unknown) => this.deps.log.error({ err }, 'slot scan failed'))
      .finally(() => (this.scanning = undefined));
    return this.scanning;
  }

  private async scanOnce(boot: boolean): Promise<void> {
    const now = Date.now();
    const wanted = (await this.deps.slots.listWanted()).filter((ref) => !this.supervisor(ref) && (this.startFailures.get(keyOf(ref))?.until ?? 0) <= now);
    const { resumeConcurrency, resumeJitterMs, connectTimeoutMs } = this.deps.options;
    // A restart with hundreds of slots must not be a thundering herd: a few at a time, spread out.
    for (let i = 0; i < wanted.length && !this.closing; i += resumeConcurrency) {
      const batch = wanted.slice(i, i + resumeConcurrency);
      await Promise.all(
        batch.map(async (ref) => {
          if (boot && resumeJitterMs > 0) await new Promise((r) => setTimeout(r, Math.random() * resumeJitterMs));
          if (this.closing || this.releasing.has(keyOf(ref)) || this.supervisor(ref) || !(await this.locks.tryAcquire(ref))) return;
          // The list may be stale: the slot may have been stopped (and its lock given back) since.
          if ((await this.deps.slots.get(ref))?.desired !== 'running') {
            if (!this.supervisor(ref)) await this.locks.release(ref);
            return;
          }
          this.slotLog(ref).info({ boot }, boot ? 'resuming slot' : 'taking over orphaned slot');
          const supervisor = await this.runHere(ref).catch(() => undefined);
          await supervisor?.whenSettled(connectTimeoutMs);
        }),
      );
    }
    const owned = [...this.supervisors.values()].map((s) => s.ref);
    for (const id of await this.commands.pendingFor(owned)) await this.consumeCommand(id);
  }

  private onNotification(channel: string, payload: string): void {
    let ref: SlotRef & { id?: string };
    try {
      ref = JSON.parse(payload);
    } catch {
      return;
    }
    if (channel === CHANNELS.changes) this.deps.onSlotChanged({ storeId: ref.storeId, slot: ref.slot });
    if (channel === CHANNELS.commands && ref.id && this.supervisor(ref)) void this.consumeCommand(ref.id);
  }

  private async consumeCommand(id: string): Promise<void> {
    try {
      const row = await this.commands.claim(id);
      if (!row) return;
      const local = this.supervisor(row);
      const outcome = local ? await runCommand(local, row.command, this) : { ok: false, error: 'slot is no longer run by this process' };
      await this.commands.finish(id, outcome);
    } catch (err) {
      this.deps.log.error({ err, commandId: id }, 'slot command failed');
      await this.commands.finish(id, { ok: false, error: 'command failed' }).catch(() => {});
    }
  }

  /** Postgres released every lock of ours: stop all sockets now, before another process starts them. */
  private onLocksLost(): void {
    const running = [...this.supervisors.values()];
    this.supervisors.clear();
    for (const s of running) void s.stop(null);
    if (this.closing) return;
    const retry = () =>
      this.locks.open().then(
        () => this.deps.log.info('lock connection restored'),
        (err: unknown) => {
          this.deps.log.warn({ err }, 'lock connection still down; retrying');
          setTimeout(retry, this.deps.options.backoff.baseMs);
        },
      );
    setTimeout(retry, this.deps.options.backoff.baseMs);
  }
}
