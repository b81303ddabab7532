// The process-level owner of WhatsApp slots. It runs a SlotSupervisor for each slot whose
// advisory lock it holds, resumes wanted slots on boot (bounded concurrency, jitter), takes over
// slots whose owner died, and executes slot commands — here when the slot is ours or nobody's,
// else through a slot_commands row that the owner consumes.
//
// One code path owns a slot at a time: everything that changes who runs a slot (a command, the
// scan's takeover, a supervisor parking) runs in that slot's exclusive section, so a stop racing
// a start or the boot scan can never leave a socket that no lock covers and no command reaches.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { DomainEventBus } from '../../events/event-bus.js';
import { KeyedSerialQueue, slotKey, toSlotRef, type SlotRef, type TSlotStatus } from '../../kernel/index.js';
import type { Keyring } from '../../security/secret-box.js';
import { AuthKeyCache, loadPostgresAuthState, type AuthWriteObserver } from './auth/index.js';
import { backoffDelay } from './backoff.js';
import { bumpOwnerEpoch } from './owner-epoch.repo.js';
import type { EngineOptions } from './engine-options.js';
import { paceResumes, type DialTurn } from './resume-pacer.js';
import { parseNotice, type TStoreChangeNotice } from './slot-channels.js';
import { runOwned, runUnowned, type CommandHost } from './slot-command-runner.js';
import { createSlotCommandQueue, type CommandOutcome, type SlotCommand } from './slot-commands.repo.js';
import { SlotLocks } from './slot-locks.js';
import { SlotStateRecorder } from './slot-state-recorder.js';
import { SlotSupervisor } from './slot-supervisor.js';
import type { SlotsRepo } from './slots.repo.js';

export interface EngineDeps {
  databaseUrl: string;
  pool: pg.Pool;
  slots: SlotsRepo;
  bus: DomainEventBus;
  log: Logger;
  options: EngineOptions;
  /** Seals the slots' auth state at rest (SECRETS_KEY and its previous versions). */
  keyring: Keyring;
  /** This process's id in NOTIFY payloads and command claims. */
  processId?: string;
  /** Told after every slot change this process records or hears of from another (live streams). */
  onSlotChanged: (ref: SlotRef) => void;
  /** Told when a store's key was rotated or the store deleted (here or in another process). */
  onStoreChanged?: (notice: TStoreChangeNotice) => void;
  /** Told when work for a slot run here was queued (a send), here or by another process. */
  onSlotWork?: (ref: SlotRef) => void;
  /** Told of every auth-state write's duration and outcome (the metrics). */
  onAuthWrite?: AuthWriteObserver;
  /** Whether a store keeps the chat history of a new link (its setting; unset: no). */
  storeKeepsHistory?: (storeId: string) => Promise<boolean>;
}

/** What the owner process may do with a slot's connected socket (the send queue's view of it). */
export type SlotSocket = Pick<SlotSupervisor, 'send' | 'presence' | 'onWhatsApp'>;

/** What the sessions domain (and later sends) may ask of the engine: nothing else. */
export interface SlotEngine {
  /**
   * Runs a command wherever the slot lives; null when its owner did not answer in time. `start`
   * marks the slot wanted and answers once it settled (a QR, connected, or parked).
   */
  execute(ref: SlotRef, command: SlotCommand): Promise<CommandOutcome | null>;
}

const SWEEP_EVERY_MS = 60_000;

export class SessionEngine implements SlotEngine {
  readonly processId: string;
  private readonly supervisors = new Map<string, SlotSupervisor>();
  /** The fencing token of each slot whose lock this process holds: every auth write carries it. */
  private readonly epochs = new Map<string, string>();
  private readonly exclusive = new KeyedSerialQueue();
  private readonly commands;
  private readonly locks: SlotLocks;
  private readonly recorder: SlotStateRecorder;
  private readonly authCache = new AuthKeyCache();
  /** Slots whose start failed (a database error, say): not retried before `until`. */
  private readonly startFailures = new Map<string, { count: number; until: number }>();
  private readonly host: CommandHost;
  private scanTimer: NodeJS.Timeout | undefined;
  private scanning: Promise<void> | undefined;
  private lastSweep = 0;
  private closing = false;
  private bootResume: Promise<void> = Promise.resolve();

  constructor(private readonly deps: EngineDeps) {
    this.processId = deps.processId ?? randomUUID();
    this.commands = createSlotCommandQueue(deps.pool, this.processId);
    this.recorder = new SlotStateRecorder(deps.bus, deps.slots, deps.log.child({ component: 'slot-state' }), deps.onSlotChanged);
    this.locks = new SlotLocks(deps.databaseUrl, deps.log.child({ component: 'slot-locks' }), { heartbeatMs: deps.options.lockHeartbeatMs, processId: this.processId }, {
      onLost: () => this.onLocksLost(),
      onNotification: (channel, payload) => this.onNotification(channel, payload),
    });
    this.host = {
      commandTimeoutMs: deps.options.commandTimeoutMs,
      startWaitMs: deps.options.startWaitMs,
      runHere: (ref) => this.runHere(ref),
      releaseSlot: (ref) => this.releaseSlot(ref, 'stopped'),
      reportStatus: (ref, status, lastError) => this.reportStatus(ref, status, lastError),
      settleWrites: (ref) => deps.bus.drain(ref),
      loadAuth: (ref) => this.loadAuth(ref),
    };
  }

  /**
   * Opens the lock connection and begins resuming the slots this process finds wanted; it does
   * not wait for them (resumed() does): 300 slots take ~20 s to reopen at the paced rate, and the
   * HTTP API (health, QR, sends queued meanwhile) must not wait for that.
   * `runSlots: false` (the CLI): commands work, but this process resumes and takes over nothing.
   */
  async start(opts: { runSlots?: boolean } = {}): Promise<void> {
    await this.locks.open();
    if (opts.runSlots === false) return;
    this.bootResume = this.scan(true);
    this.scanTimer = setInterval(() => void this.scan(false), this.deps.options.scanIntervalMs);
  }

  /** Settles once the boot's resume has tried every slot it found wanted. */
  resumed(): Promise<void> {
    return this.bootResume;
  }

  /** Graceful: close every socket without logging out, flush auth writes, release every lock. */
  async stop(): Promise<void> {
    this.closing = true;
    clearInterval(this.scanTimer);
    await this.scanning;
    await Promise.all([...this.supervisors.values()].map((s) => s.stop('disconnected', { drain: true })));
    this.supervisors.clear();
    await this.deps.bus.drain();
    this.recorder.close();
    await this.locks.close();
  }

  async execute(ref: SlotRef, command: SlotCommand): Promise<CommandOutcome | null> {
    const here = await this.exclusive.run(slotKey(ref), () => this.executeHere(ref, command));
    if (here) return here;
    const id = await this.commands.submit(ref, command);
    return this.commands.awaitOutcome(id, this.deps.options.commandTimeoutMs);
  }

  /**
   * A store's key was rotated or the store deleted, here: act on it in this process and tell the
   * others (who act on it the same way when the NOTIFY reaches them; hearing it twice is harmless).
   * A failed announcement is logged, not thrown: the change itself is committed already.
   */
  async announceStoreChange(notice: TStoreChangeNotice): Promise<void> {
    await this.storeChanged(notice);
    await this.deps.slots.notifyStoreChanged(notice).catch((err: unknown) => this.deps.log.error({ err, storeId: notice.storeId, kind: notice.kind }, 'could not tell other processes of a store change'));
  }

  /**
   * A deleted store's slots that still run here (a start that raced the deletion) close now, so its
   * sockets never receive or answer again; then the live streams hear of it.
   */
  private async storeChanged(notice: TStoreChangeNotice): Promise<void> {
    if (notice.kind === 'deleted') {
      const mine = [...this.supervisors.values()].filter((s) => s.ref.storeId === notice.storeId);
      await Promise.all(mine.map((s) => this.exclusive.run(slotKey(s.ref), () => this.releaseSlot(s.ref, null))));
    }
    this.deps.onStoreChanged?.(notice);
  }

  /** The supervisor of a slot run here (tests). */
  supervisor(ref: SlotRef): SlotSupervisor | undefined {
    return this.supervisors.get(slotKey(ref));
  }

  /** The slot's socket when this process runs it and it is connected; else undefined. */
  socketFor(ref: SlotRef): SlotSocket | undefined {
    const supervisor = this.supervisors.get(slotKey(ref));
    return supervisor?.status === 'connected' ? supervisor : undefined;
  }

  /** Resolves when the slot's (or every slot's) events so far have reached their durable subscribers. */
  drainSlotWrites(ref?: SlotRef): Promise<void> {
    return this.deps.bus.drain(ref);
  }

  // ─── inside a slot's exclusive section ───

  /** Runs the command here when the slot is ours or nobody's; null when another process holds it. */
  private async executeHere(ref: SlotRef, command: SlotCommand): Promise<CommandOutcome | null> {
    // Desired is written inside the section, so a stop queued before this start cannot write
    // `stopped` after it. (When the slot runs elsewhere, its owner runs this same code for the row.)
    const runs = command.command === 'start' || command.command === 'restart' || command.command === 'pairing-code';
    const local = this.supervisor(ref);
    if (local) {
      if (runs) await this.deps.slots.setDesired(ref, 'running');
      return runOwned(this.host, local, command);
    }
    if (!(await this.acquire(ref))) return null;
    try {
      if (runs) await this.deps.slots.setDesired(ref, 'running');
      return await runUnowned(this.host, ref, command);
    } finally {
      // A lock taken for a command that opened no socket (or threw) goes back at once.
      if (!this.supervisor(ref)) await this.releaseLock(ref);
    }
  }

  /** `turn`: a paced reopen's wait before the first socket dials (resume-pacer.ts). */
  private async runHere(ref: SlotRef, turn?: DialTurn): Promise<SlotSupervisor> {
    const key = slotKey(ref);
    const existing = this.supervisors.get(key);
    if (existing) return existing;
    const supervisor: SlotSupervisor = new SlotSupervisor({
      ref,
      log: this.slotLog(ref),
      bus: this.deps.bus,
      options: this.deps.options,
      loadAuth: () => this.loadAuth(ref),
      storeKeepsHistory: () => this.deps.storeKeepsHistory?.(ref.storeId) ?? Promise.resolve(false),
      onParked: () => this.exclusive.run(key, () => (this.supervisors.get(key) === supervisor ? this.releaseSlot(ref, null) : Promise.resolve())),
    });
    this.supervisors.set(key, supervisor);
    try {
      await supervisor.start(turn);
    } catch (err) {
      const count = (this.startFailures.get(key)?.count ?? 0) + 1;
      const retryInMs = backoffDelay(count - 1, this.deps.options.backoff);
      this.startFailures.set(key, { count, until: Date.now() + retryInMs });
      this.slotLog(ref).error({ err, retryInMs }, 'slot failed to start');
      this.supervisors.delete(key);
      await supervisor.stop(null).catch(() => {});
      await this.releaseLock(ref);
      throw err;
    }
    this.startFailures.delete(key);
    return supervisor;
  }

  /**
   * The slot stops here and nobody should run it until it is started again: its socket closes
   * (reporting `status`, or nothing when it parked itself), desired=stopped is committed, and
   * only then the lock goes, so whoever takes the lock next sees it.
   */
  private async releaseSlot(ref: SlotRef, status: TSlotStatus | null, opts: { keepDesired?: boolean } = {}): Promise<void> {
    const supervisor = this.supervisor(ref);
    this.supervisors.delete(slotKey(ref));
    try {
      await supervisor?.stop(status);
      if (!opts.keepDesired) await this.deps.slots.setDesired(ref, 'stopped');
      await this.deps.bus.drain(ref);
    } catch (err) {
      // The store may be gone (deleted while its slot parked): the lock must go all the same.
      this.slotLog(ref).warn({ err }, 'releasing the slot: could not record it stopped');
    } finally {
      await this.releaseLock(ref);
    }
  }

  /**
   * Takes the slot's lock and a new fencing token with it: from the bump on, writes carrying an
   * older token (a previous owner's late ones) are refused by the database.
   */
  private async acquire(ref: SlotRef): Promise<boolean> {
    const got = await this.locks.acquire(ref);
    if (got === 'taken') return false;
    if (got === 'acquired' || !this.epochs.has(slotKey(ref))) {
      try {
        this.epochs.set(slotKey(ref), await bumpOwnerEpoch(this.deps.pool, ref));
      } catch (err) {
        await this.locks.release(ref);
        throw err;
      }
    }
    return true;
  }

  private async releaseLock(ref: SlotRef): Promise<void> {
    this.epochs.delete(slotKey(ref));
    await this.locks.release(ref);
  }

  /**
   * A write of ours was refused: another process owns the slot now (it bumped the token after our
   * lock went). Close the socket without logging out and let go; the slot stays wanted — by them.
   */
  private onFenced(ref: SlotRef, supervisor: SlotSupervisor | undefined): void {
    this.slotLog(ref).warn('auth write refused by the fencing token: another process owns this slot now; closing the socket here');
    void this.exclusive.run(slotKey(ref), async () => {
      if (supervisor && this.supervisor(ref) !== supervisor) return;
      await this.releaseSlot(ref, null, { keepDesired: true });
    });
  }

  // ─── internals ───

  /** The slot's auth state, sealed with the keyring and fenced with this process's token for it. */
  private loadAuth(ref: SlotRef) {
    const epoch = this.epochs.get(slotKey(ref));
    if (epoch === undefined) throw new Error('loading auth state of a slot whose lock this process does not hold');
    const supervisor = this.supervisor(ref);
    return loadPostgresAuthState({
      pool: this.deps.pool,
      ...ref,
      cache: this.authCache,
      logger: this.slotLog(ref),
      keyring: this.deps.keyring,
      asyncKeyCommit: this.deps.options.asyncAuthKeyCommit,
      onWrite: this.deps.onAuthWrite,
      fence: { epoch, onFenced: () => this.onFenced(ref, supervisor) },
    });
  }

  /** A status decided without a socket (stop or logout of a slot nobody runs). */
  private async reportStatus(ref: SlotRef, status: TSlotStatus, lastError: string | null): Promise<void> {
    await this.deps.bus.emit('session.status', { ...ref, status, lastError, at: new Date() });
  }

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
    const wanted = (await this.deps.slots.listWanted()).filter((ref) => !this.supervisor(ref) && (this.startFailures.get(slotKey(ref))?.until ?? 0) <= now);
    const { resumeConcurrency, resumeRatePerSec, resumeJitterMs, connectTimeoutMs } = this.deps.options;
    await paceResumes(wanted, { concurrency: resumeConcurrency, ratePerSec: resumeRatePerSec, jitterMs: resumeJitterMs }, boot, async (ref, turn) => {
      if (this.closing) return;
      const supervisor = await this.exclusive.run(slotKey(ref), () => this.takeOver(ref, boot, turn)).catch(() => undefined);
      await supervisor?.whenSettled(connectTimeoutMs);
    });
    const owned = [...this.supervisors.values()].map((s) => s.ref);
    for (const id of await this.commands.pendingFor(owned)) await this.consumeCommand(id);
    if (Date.now() - this.lastSweep >= SWEEP_EVERY_MS) {
      this.lastSweep = Date.now();
      const swept = await this.commands.sweep(3 * this.deps.options.commandTimeoutMs, this.deps.options.commandRetentionMs);
      if (swept.failed || swept.purged) this.deps.log.info(swept, 'slot commands swept');
    }
  }

  private async takeOver(ref: SlotRef, boot: boolean, turn: DialTurn): Promise<SlotSupervisor | undefined> {
    if (this.closing || this.supervisor(ref)) return undefined;
    // Commands run in this section too, so the list may be stale by now: a cheap look first.
    if ((await this.deps.slots.get(ref))?.desired !== 'running') return undefined;
    if (!(await this.acquire(ref))) return undefined;
    // The list may be stale: the slot may have been stopped (and its lock given back) since.
    if ((await this.deps.slots.get(ref))?.desired !== 'running') {
      await this.releaseLock(ref);
      return undefined;
    }
    this.slotLog(ref).info({ boot }, boot ? 'resuming slot' : 'taking over orphaned slot');
    return this.runHere(ref, turn);
  }

  private onNotification(channel: string, payload: string): void {
    const parsed = parseNotice(channel, payload);
    if ('dropped' in parsed) {
      this.deps.log.warn({ channel, length: payload.length, reason: parsed.dropped }, 'dropped a malformed notification');
      return;
    }
    if (parsed.channel === 'changes' && parsed.notice.origin !== this.processId) this.deps.onSlotChanged(toSlotRef(parsed.notice));
    if (parsed.channel === 'commands' && this.supervisor(parsed.notice)) void this.consumeCommand(parsed.notice.id);
    if (parsed.channel === 'stores') void this.storeChanged(parsed.notice);
    if (parsed.channel === 'work' && this.supervisor(parsed.notice)) this.deps.onSlotWork?.(toSlotRef(parsed.notice));
  }

  private async consumeCommand(id: string): Promise<void> {
    try {
      const row = await this.commands.claim(id);
      if (!row) return;
      const outcome = (await this.exclusive.run(slotKey(row), () => this.executeHere(row, row.command))) ?? {
        ok: false,
        error: 'the slot is run by another process',
      };
      await this.commands.finish(id, outcome);
    } catch (err) {
      this.deps.log.error({ err, commandId: id }, 'slot command failed');
      const boom = err as { isBoom?: boolean; output?: { statusCode?: number } };
      const whatsappStatus = boom?.isBoom ? boom.output?.statusCode : undefined;
      await this.commands.finish(id, { ok: false, error: 'the command failed on the process running the slot', whatsappStatus }).catch((e: unknown) => this.deps.log.error({ err: e, commandId: id }, 'recording a failed command failed'));
    }
  }

  /** Postgres released every lock of ours: stop all sockets now, before another process starts them. */
  private onLocksLost(): void {
    const running = [...this.supervisors.values()];
    this.supervisors.clear();
    // Our tokens die with the locks: a socket still flushing writes them, and is refused once
    // another process has bumped.
    this.epochs.clear();
    for (const s of running) void s.stop(null).catch((err: unknown) => this.slotLog(s.ref).error({ err }, 'closing a slot after losing its lock failed'));
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
