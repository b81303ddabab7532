// Owns one slot's Baileys socket: opens it from the slot's saved auth state, follows the
// disconnect policy, watches liveness, and reports everything as domain events. It never
// stores, answers or delivers anything itself.
import { makeWASocket, type AnyMessageContent, type ConnectionState, type WAMessage, type WASocket } from '@whiskeysockets/baileys';
import type { Logger } from 'pino';
import QRCode from 'qrcode';
import type { MessageStatusEvent, SessionStatusEvent, SlotRef } from '../../events/domain-events.js';
import type { DomainEventBus } from '../../events/event-bus.js';
import type { PostgresAuthState } from './auth/index.js';
import { backoffDelay } from './backoff.js';
import { decideOnClose } from './disconnect-policy.js';
import type { EngineOptions } from './engine-options.js';
import { KnownAddresses } from './known-addresses.js';
import { InboundFlow } from './inbound-flow.js';
import { LivenessWatch } from './liveness-watch.js';
import type { TSlotStatus } from '../../kernel/index.js';
import { baileysLogger, qrLifetimeMs, socketConfig } from './socket-config.js';
import { formatWaVersion } from './wa-version.js';
import { toMessageChange, toMessageHistory, toMessageReceived, toMessageSent, toMessageStatus, toOwnMessageStatus } from './socket-events.js';

export interface SupervisorDeps {
  ref: SlotRef;
  log: Logger;
  bus: DomainEventBus;
  options: EngineOptions;
  loadAuth: () => Promise<PostgresAuthState>;
  /** Whether the store keeps chat history (asked at every socket open: a setting may change). */
  storeKeepsHistory: () => Promise<boolean>;
  /** The slot stopped for good (policy or command): the engine releases it. */
  onParked: (status: TSlotStatus) => Promise<void>;
}

type Planned = 'stop' | 'rebuild';

export interface SendOptions {
  /** The WhatsApp id to send under (default: Baileys generates one). */
  messageId?: string;
  /** The message this one replies to. */
  quoted?: WAMessage;
}
type Details = Omit<SessionStatusEvent, 'storeId' | 'slot' | 'status' | 'at'>;

export class SlotSupervisor {
  status: TSlotStatus = 'connecting';
  private sock: WASocket | undefined;
  private flow: InboundFlow | undefined;
  private auth: PostgresAuthState | undefined;
  private generation = 0;
  private failedAttempts = 0;
  private unstableCycles = 0;
  private openedAt: number | undefined;
  private readonly liveness: LivenessWatch;
  private planned: Planned | undefined;
  private stopped = false;
  private awaitingQr = false;
  private qrCount = 0;
  private timers: { retry?: NodeJS.Timeout; stable?: NodeJS.Timeout; watchdog?: NodeJS.Timeout } = {};
  private readonly baileysLog: Logger;
  private waiters: Array<{ until: (s: TSlotStatus) => boolean; resolve: (s: TSlotStatus) => void }> = [];

  constructor(private readonly deps: SupervisorDeps) {
    this.baileysLog = baileysLogger(deps.log);
    this.liveness = new LivenessWatch(deps.options);
  }

  get ref(): SlotRef {
    return this.deps.ref;
  }

  get socket(): WASocket | undefined {
    return this.sock;
  }

  /** `beforeFirstDial`: waited for right before the first socket is made (a paced reopen's turn). */
  async start(beforeFirstDial?: () => Promise<unknown>): Promise<void> {
    this.stopped = false;
    this.failedAttempts = 0;
    const every = Math.max(250, Math.min(this.deps.options.livenessWindowMs, this.deps.options.sendAckTimeoutMs) / 4);
    this.timers.watchdog ??= setInterval(() => this.checkLiveness(), every);
    this.setStatus('connecting', { lastError: null });
    await this.openSocket(beforeFirstDial);
  }

  /**
   * Closes the socket without logging out (the link stays valid) and flushes auth writes. With
   * `drain` (a graceful shutdown) it first stops reading and lets what was read be stored: those
   * messages are receipted already, WhatsApp would not send them again.
   */
  async stop(status: TSlotStatus | null, { drain = false }: { drain?: boolean } = {}): Promise<void> {
    this.stopped = true;
    this.clearTimers();
    if (drain && this.sock) await this.flow?.drain(this.deps.options.stopDrainMs);
    if (this.sock) {
      this.planned = 'stop';
      this.sock.end(undefined);
      this.sock = undefined;
    }
    await this.closeAuth();
    if (status) this.setStatus(status, { lastError: null });
    // Nothing waited for will happen on this socket now: waiters get the status as it stands
    // (an engine stopping mid-resume must not sit out each slot's connect timeout).
    const waiting = this.waiters;
    this.waiters = [];
    for (const w of waiting) w.resolve(this.status);
  }

  /**
   * Resolves with the status once `until` holds (at once if it already does), or with the
   * current status after `timeoutMs` or when the slot stops.
   */
  whenStatus(until: (s: TSlotStatus) => boolean, timeoutMs: number): Promise<TSlotStatus> {
    if (until(this.status)) return Promise.resolve(this.status);
    return new Promise((resolve) => {
      const waiter = { until, resolve: (s: TSlotStatus) => (clearTimeout(timer), resolve(s)) };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(this.status);
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Resolves once the slot has left `connecting` (or after timeoutMs). */
  whenSettled(timeoutMs: number): Promise<TSlotStatus> {
    return this.whenStatus((s) => s !== 'connecting', timeoutMs);
  }

  /** Unlinks this device from the phone and wipes the slot's auth state. */
  async logout(timeoutMs: number): Promise<void> {
    if (this.sock && this.status === 'connected') {
      // Baileys sends remove-companion-device, then closes with 401: the policy wipes and parks.
      const parked = this.whenStatus((s) => s === 'logged_out', timeoutMs);
      await this.sock.logout('logout requested');
      await parked;
      return;
    }
    await this.stop(null);
    await this.wipeAuth();
    await this.park('logged_out', 'logged out');
  }

  /** Rebuilds the socket from the saved creds, no QR needed when linked. */
  restart(reason: string): void {
    clearTimeout(this.timers.retry);
    // Said before the socket goes, so whoever waits for the slot to settle waits for the new one.
    this.setStatus('connecting', { lastError: reason });
    if (!this.sock) {
      void this.openSocket();
      return;
    }
    this.deps.log.info({ reason }, 'rebuilding the socket');
    this.planned = 'rebuild';
    this.sock.end(new Error(reason));
  }

  async requestPairingCode(phone: string): Promise<string> {
    if (!this.sock || this.status !== 'qrcode') throw new Error(`a pairing code needs the slot waiting for a QR, it is ${this.status}`);
    return this.sock.requestPairingCode(phone);
  }

  /** Sends a text (tests and the CLI); the send queue uses `send`. */
  async sendText(jid: string, text: string): Promise<string> {
    const sent = await this.send(jid, { text }, {});
    return sent.key.id!;
  }

  /**
   * Sends one message and watches for the server's ack: a send stuck in Baileys (an unanswered
   * query) or written but never acknowledged both mark the socket dead and rebuild it. The
   * caller may choose the WhatsApp id (the send queue does, so a retry reuses it).
   */
  async send(jid: string, content: AnyMessageContent, options: SendOptions): Promise<WAMessage> {
    const sock = this.connectedSocket();
    const startedAt = Date.now();
    let timer: NodeJS.Timeout | undefined;
    // Baileys lets a query outlive its socket for defaultQueryTimeoutMs; the caller should not.
    // A send stuck that long is the same evidence the watchdog looks for: rebuild at once.
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        if (this.sock === sock) this.restart(`send stuck for ${this.deps.options.sendAckTimeoutMs} ms`);
        reject(new Error('send not acknowledged in time'));
      }, this.deps.options.sendAckTimeoutMs);
    });
    try {
      const sent = await Promise.race([sock.sendMessage(jid, content, { messageId: options.messageId, quoted: options.quoted }), deadline]);
      const id = sent?.key.id;
      if (!sent || !id) throw new Error('send returned no message id');
      this.liveness.sent(id, startedAt);
      return sent;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Typing (or recording) shown to the chat, or taken back with `paused`. */
  async presence(jid: string, state: 'composing' | 'recording' | 'paused'): Promise<void> {
    await this.connectedSocket().sendPresenceUpdate(state, jid);
  }

  /** Which of these numbers/JIDs have WhatsApp (Baileys' usync query). */
  async onWhatsApp(jids: string[]): Promise<{ jid: string; exists: boolean }[]> {
    const found = (await this.connectedSocket().onWhatsApp(...jids)) ?? [];
    return found.map((r) => ({ jid: r.jid, exists: Boolean(r.exists) }));
  }

  /** Read receipts (blue ticks) for contacts' messages. */
  async readMessages(keys: { remoteJid: string; id: string }[]): Promise<void> {
    await this.connectedSocket().readMessages(keys.map((k) => ({ remoteJid: k.remoteJid, id: k.id, fromMe: false })));
  }

  private connectedSocket(): WASocket {
    const sock = this.sock;
    if (!sock || this.status !== 'connected') throw new Error(`slot is ${this.status}`);
    return sock;
  }

  private async openSocket(beforeDial?: () => Promise<unknown>): Promise<void> {
    if (this.stopped) return;
    const generation = ++this.generation;
    const auth = (this.auth ??= await this.deps.loadAuth());
    // Unreadable setting: no RECENT history this time rather than no socket.
    const storeKeepsHistory = await this.deps.storeKeepsHistory().catch((err: unknown) => {
      this.deps.log.warn({ err }, 'could not read the history setting; not asking for recent history');
      return false;
    });
    await beforeDial?.();
    if (this.stopped || generation !== this.generation) return;
    this.awaitingQr = !auth.state.creds.me;
    this.qrCount = 0;
    const sock = makeWASocket(socketConfig(this.deps.options, auth.state, this.baileysLog, { storeKeepsHistory }));
    this.sock = sock;
    const flow = (this.flow = new InboundFlow(sock, this.deps.options.inboundBacklogMax));
    this.liveness.reset();
    const current = () => generation === this.generation && !this.stopped;

    sock.ev.on('creds.update', () => {
      auth.saveCreds().catch((err: unknown) => this.deps.log.error({ err }, 'saving creds failed; retried on flush'));
    });
    sock.ev.on('connection.update', (update) => {
      if (generation === this.generation) void this.onConnectionUpdate(update, current);
    });
    const addresses = new KnownAddresses(sock.signalRepository.lidMapping, this.deps.log);
    sock.ev.on('messages.upsert', ({ messages, type }) => {
      // `append` is what WhatsApp held while the slot was offline: inbound all the same.
      const delivery = type === 'notify' ? 'live' : 'offline';
      for (const m of messages) {
        addresses.pass(m, (known) => {
          const change = toMessageChange(this.ref, known);
          const event = change ? null : toMessageReceived(this.ref, known, delivery);
          const own = change || event ? null : toMessageSent(this.ref, known, delivery, sock.user);
          if (change) void this.deps.bus.emit('message.changed', change);
          if (event) flow.track(this.deps.bus.emit('message.received', event));
          if (own) void this.deps.bus.emit('message.sent', own);
          // Counted as out of Baileys only once it is on the bus (a LID lookup may hold it a moment).
          flow.emitted([known.key?.id]);
        });
        this.reportStatus(toOwnMessageStatus(this.ref, m));
      }
    });
    sock.ev.on('messaging-history.set', (history) => {
      const event = toMessageHistory(this.ref, history);
      if (event) void this.deps.bus.emit('message.history', event);
    });
    sock.ev.on('messages.update', (updates) => {
      for (const u of updates) this.reportStatus(toMessageStatus(this.ref, u));
    });
    sock.ws.on('frame', (frame: Parameters<InboundFlow['frame']>[0]) => {
      this.liveness.frame();
      flow.frame(frame);
    });
  }

  private async onConnectionUpdate(update: Partial<ConnectionState>, current: () => boolean): Promise<void> {
    if (update.qr) {
      this.awaitingQr = true;
      // Baileys starts the QR's timer as it emits it: count from now, not after the PNG is drawn.
      const expiresAt = new Date(Date.now() + qrLifetimeMs(this.deps.options.qrTimeoutMs, this.qrCount++));
      const qrDataUrl = await QRCode.toDataURL(update.qr, { margin: 1, width: 320 });
      if (!current()) return;
      const at = new Date();
      this.setStatus('qrcode', {});
      void this.deps.bus.emit('session.qr', { ...this.ref, qr: update.qr, qrDataUrl, expiresAt, at });
    }
    if (update.connection === 'open') this.onOpen();
    if (update.connection === 'close') {
      const error = update.lastDisconnect?.error as (Error & { output?: { statusCode?: number } }) | undefined;
      await this.onClose(error?.output?.statusCode, error?.message);
    }
  }

  private onOpen(): void {
    this.failedAttempts = 0;
    this.awaitingQr = false;
    this.openedAt = Date.now();
    this.liveness.reset();
    clearTimeout(this.timers.stable);
    this.timers.stable = setTimeout(() => (this.unstableCycles = 0), this.deps.options.stableAfterMs);
    const user = this.sock?.user;
    const jidPn = user?.id ? user.id.replace(/:\d+@/, '@') : null;
    this.setStatus('connected', {
      phone: jidPn ? jidPn.split('@')[0] : null,
      jidPn,
      jidLid: user?.lid ? user.lid.replace(/:\d+@/, '@') : null,
      pushName: user?.name ?? null,
      lastError: null,
    });
  }

  private async onClose(statusCode: number | undefined, message: string | undefined): Promise<void> {
    this.sock = undefined;
    clearTimeout(this.timers.stable);
    const wasOpen = this.openedAt !== undefined;
    this.openedAt = undefined;
    await this.auth?.flush().catch((err: unknown) => this.deps.log.error({ err }, 'flushing auth writes failed'));
    const planned = this.planned;
    this.planned = undefined;
    if (planned === 'stop' || this.stopped) return;
    if (planned === 'rebuild') return this.openSocket();

    const action = decideOnClose({
      statusCode,
      message,
      consecutiveFailures: wasOpen ? 0 : this.failedAttempts,
      maxConsecutiveFailures: this.deps.options.maxConsecutiveFailures,
      awaitingQr: this.awaitingQr,
      webVersion: this.deps.options.waWebVersion && formatWaVersion(this.deps.options.waWebVersion),
    });
    this.deps.log.info({ statusCode, message, action: action.kind, failedAttempts: this.failedAttempts }, 'socket closed');
    if (action.kind === 'reconnect-now') {
      this.setStatus(action.status, {});
      return this.openSocket();
    }
    if (action.kind === 'park') {
      if (action.wipeAuth) await this.wipeAuth();
      this.clearTimers();
      this.stopped = true;
      await this.closeAuth();
      return this.park(action.status, action.reason);
    }
    // A drop of an unstable connection counts against the backoff, as does a failed attempt;
    // only the latter counts toward the breaker.
    if (wasOpen) this.unstableCycles += 1;
    else this.failedAttempts += 1;
    const delay = backoffDelay(this.failedAttempts + this.unstableCycles - 1, this.deps.options.backoff);
    this.setStatus('reconnecting', { lastError: `${statusCode ?? 'closed'}: ${message ?? 'connection closed'}`, retryInMs: delay });
    this.deps.log.info({ delayMs: delay }, 'reconnecting after backoff');
    this.timers.retry = setTimeout(() => {
      this.setStatus('connecting', {});
      void this.openSocket();
    }, delay);
  }

  private reportStatus(event: MessageStatusEvent | null): void {
    if (!event) return;
    // Any answer from the server, even an error, shows the socket is alive.
    if (event.status !== 'pending') this.liveness.answered(event.waMessageId);
    void this.deps.bus.emit('message.status', event);
  }

  private checkLiveness(): void {
    if (this.status !== 'connected' || !this.sock) return;
    const reason = this.liveness.verdict();
    if (reason) this.restart(reason);
  }

  private async park(status: TSlotStatus, reason: string): Promise<void> {
    this.setStatus(status, { lastError: reason });
    await this.deps.onParked(status);
  }

  private async wipeAuth(): Promise<void> {
    const auth = this.auth ?? (await this.deps.loadAuth());
    this.auth = undefined;
    await auth.wipe();
  }

  private async closeAuth(): Promise<void> {
    const auth = this.auth;
    this.auth = undefined;
    await auth?.close().catch((err: unknown) => this.deps.log.error({ err }, 'closing auth state failed'));
  }

  private clearTimers(): void {
    clearTimeout(this.timers.retry);
    clearTimeout(this.timers.stable);
    clearInterval(this.timers.watchdog);
    this.timers = {};
  }

  private setStatus(status: TSlotStatus, details: Details): void {
    this.status = status;
    void this.deps.bus.emit('session.status', { ...this.ref, status, ...details, at: new Date() });
    const ready = this.waiters.filter((w) => w.until(status));
    this.waiters = this.waiters.filter((w) => !w.until(status));
    for (const w of ready) w.resolve(status);
  }
}
