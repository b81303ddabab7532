// The owner's side of the queue: one send loop per slot this process runs while it is connected.
// A loop claims the slot's next due job, asks the governor, shows typing, sends under the job's
// WhatsApp id and records the outcome; then the next. It sleeps until the next job falls due, a
// NOTIFY wakes it (a new job), or 30 s pass (a wake lost while the listener reconnected).
import { proto } from '@whiskeysockets/baileys';
import type { Logger } from 'pino';
import type { DomainEventBus } from '../events/event-bus.js';
import { slotKey, type SlotRef } from '../kernel/index.js';
import type { SlotSocket } from '../whatsapp/engine/index.js';
import { quotedOf, toContent, type QueuedRequest } from './message-content.js';
import type { ClaimedJob, OutboundRepo } from './outbound.repo.js';
import type { SendGovernor } from './send-governor.js';
import { typingMs } from './send-policy.js';

export interface DispatcherDeps {
  repo: OutboundRepo;
  governor: SendGovernor;
  socketFor: (ref: SlotRef) => SlotSocket | undefined;
  processId: string;
  log: Logger;
}

const IDLE_POLL_MS = 30_000;
/** A send that failed for a reason other than the socket: tried again this many times, backing off. */
const MAX_ATTEMPTS = 5;

class SlotSendLoop {
  private stopped = false;
  private wakeUp: (() => void) | undefined;
  private woken = false;
  readonly done: Promise<void>;

  /** `after`: the slot's previous loop, which must have stopped before this one recovers its jobs. */
  constructor(
    readonly ref: SlotRef,
    private readonly deps: DispatcherDeps,
    private readonly log: Logger,
    after: Promise<void>,
  ) {
    this.done = after.then(() => this.run());
  }

  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  stop(): Promise<void> {
    this.stopped = true;
    this.wakeUp?.();
    return this.done;
  }

  private async run(): Promise<void> {
    try {
      const recovered = await this.deps.repo.recoverInterrupted(this.ref);
      if (recovered) this.log.warn({ recovered }, 'sends interrupted by a previous owner are queued again (same WhatsApp ids)');
    } catch (err) {
      this.log.error({ err }, 'could not recover interrupted sends');
    }
    while (!this.stopped) {
      try {
        this.woken = false;
        const job = await this.deps.repo.claimNext(this.ref, this.deps.processId);
        if (job) await this.process(job);
        else await this.sleep();
      } catch (err) {
        this.log.error({ err }, 'send loop error; retrying shortly');
        await this.sleep(1_000);
      }
    }
  }

  private async sleep(maxMs = IDLE_POLL_MS): Promise<void> {
    if (this.woken || this.stopped) return;
    const due = maxMs === IDLE_POLL_MS ? await this.deps.repo.nextDueAt(this.ref) : null;
    const ms = due ? Math.min(maxMs, Math.max(0, due.getTime() - Date.now())) : maxMs;
    if (this.woken || this.stopped) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeUp = () => (clearTimeout(timer), resolve());
    });
    this.wakeUp = undefined;
  }

  private async process(job: ClaimedJob): Promise<void> {
    const log = this.log.child({ messageId: job.messageId });
    const verdict = await this.deps.governor.check(job);
    if (!verdict.go) {
      log.info({ limit: verdict.limit, until: verdict.until }, 'send held by a limit');
      return this.deps.repo.hold(job, verdict.until, verdict.limit);
    }
    const socket = this.deps.socketFor(this.ref);
    if (!socket) return this.deps.repo.release(job, 'the slot is not connected');
    const request = job.request as QueuedRequest;
    try {
      await this.showTyping(socket, job, request, verdict.policy);
      const sent = await socket.send(job.toJid, toContent(request, job.media), { messageId: job.waMessageId, quoted: quotedOf(request) });
      await this.deps.repo.markSent(job, { payload: proto.WebMessageInfo.encode(sent).finish(), at: new Date() });
      log.debug('sent');
    } catch (err) {
      if (!this.deps.socketFor(this.ref)) {
        // The socket went away under the send: it goes again, under the same id, once connected.
        await this.deps.repo.release(job, (err as Error).message);
        return;
      }
      log.warn({ err, attempts: job.attempts }, 'send failed');
      if (job.attempts >= MAX_ATTEMPTS) await this.deps.repo.markFailed(job, `send failed ${job.attempts} times: ${(err as Error).message}`);
      else await this.deps.repo.hold(job, new Date(Date.now() + 1_000 * 2 ** job.attempts), 'retry_backoff', { attempted: true });
    }
  }

  /** "typing…" (or "recording…" before a voice note) for a time that grows with the text. */
  private async showTyping(socket: SlotSocket, job: ClaimedJob, request: QueuedRequest, policy: Parameters<typeof typingMs>[0]): Promise<void> {
    const wanted = request.options?.typing ?? (request.type === 'text' || (request.type === 'audio' && request.ptt === true));
    if (!wanted || request.type === 'reaction') return;
    const length = request.type === 'text' ? request.text.length : 'caption' in request ? (request.caption?.length ?? 0) : 0;
    const ms = typingMs(policy, length);
    if (ms <= 0) return;
    await socket.presence(job.toJid, request.type === 'audio' ? 'recording' : 'composing');
    await new Promise((resolve) => setTimeout(resolve, ms));
  }
}

export class SendDispatcher {
  private readonly loops = new Map<string, SlotSendLoop>();
  /** Loops told to stop that may still be finishing a send. */
  private readonly stopping = new Map<string, Promise<void>>();
  private closing = false;

  constructor(private readonly deps: DispatcherDeps) {}

  /** The slot is connected here: run its loop (once). */
  slotConnected(ref: SlotRef): void {
    const key = slotKey(ref);
    if (this.closing) return;
    const existing = this.loops.get(key);
    if (existing) return existing.wake();
    const log = this.deps.log.child({ storeId: ref.storeId, slot: ref.slot });
    const after = this.stopping.get(key) ?? Promise.resolve();
    this.loops.set(key, new SlotSendLoop({ storeId: ref.storeId, slot: ref.slot }, this.deps, log, after));
  }

  /** The slot left `connected`: its loop ends after the send under way (if any). */
  async slotDisconnected(ref: SlotRef): Promise<void> {
    const key = slotKey(ref);
    const loop = this.loops.get(key);
    if (!loop) return;
    this.loops.delete(key);
    const stopped = loop.stop();
    this.stopping.set(key, stopped);
    await stopped;
    if (this.stopping.get(key) === stopped) this.stopping.delete(key);
  }

  /** Follows the slots this process runs: session.status is only emitted by the process running the slot. */
  subscribe(bus: DomainEventBus): () => void {
    return bus.on('session.status', 'send-dispatcher', async (e) => {
      if (e.status === 'connected') this.slotConnected(e);
      else await this.slotDisconnected(e);
    });
  }

  /** A job was queued for a slot run here. */
  wake(ref: SlotRef): void {
    this.loops.get(slotKey(ref))?.wake();
  }

  /** Shutdown: every loop finishes the send under way and stops; queued jobs stay queued. */
  async stop(): Promise<void> {
    this.closing = true;
    const loops = [...this.loops.values()];
    this.loops.clear();
    await Promise.all([...loops.map((l) => l.stop()), ...this.stopping.values()]);
  }
}
