import {
  Browsers,
  type BinaryNode,
  makeWASocket,
  type AuthenticationState,
  type ConnectionState,
  type UserFacingSocketConfig,
  type BaileysEventMap,
  type WAMessage,
  type WAMessageUpdate,
} from '@whiskeysockets/baileys';
import { pino } from 'pino';
import { AsyncQueue } from './async-queue.js';
import { DEFAULT_WAIT_MS, pollUntil } from './deadline.js';
import { copyMemoryAuthState, makeMemoryAuthState } from './memory-auth-state.js';

type Lifecycle = { kind: 'open' } | { kind: 'close'; statusCode: number | undefined; error: unknown };

/**
 * Config that keeps a bare Baileys client on loopback and quick in tests: no init queries, no
 * presence, no history sync wait, short timeouts.
 */
export function testSocketConfig(url: string, auth: AuthenticationState): UserFacingSocketConfig {
  return {
    waWebSocketUrl: url,
    auth,
    logger: pino({ level: 'silent' }),
    browser: Browsers.ubuntu('Chrome'),
    markOnlineOnConnect: false,
    fireInitQueries: false,
    syncFullHistory: false,
    shouldSyncHistoryMessage: () => false,
    connectTimeoutMs: 30_000,
    defaultQueryTimeoutMs: 10_000,
    retryRequestDelayMs: 10,
  };
}

/** A bare Baileys socket with its events recorded, for tests of the simulator (and beyond). */
export class TestClient {
  readonly sock: ReturnType<typeof makeWASocket>;
  readonly qrs = new AsyncQueue<string>();
  readonly lifecycle = new AsyncQueue<Lifecycle>();
  readonly messages = new AsyncQueue<WAMessage & { upsertType: string }>();
  readonly statusUpdates = new AsyncQueue<WAMessageUpdate>();
  readonly histories = new AsyncQueue<BaileysEventMap['messaging-history.set']>();

  constructor(
    url: string,
    readonly auth: AuthenticationState = makeMemoryAuthState(),
    config: Partial<UserFacingSocketConfig> = {},
  ) {
    this.sock = makeWASocket({ ...testSocketConfig(url, auth), ...config });
    this.sock.ev.on('connection.update', (update: Partial<ConnectionState>) => {
      if (update.qr) this.qrs.push(update.qr);
      if (update.connection === 'open') this.lifecycle.push({ kind: 'open' });
      if (update.connection === 'close') {
        const error = update.lastDisconnect?.error as { output?: { statusCode?: number } } | undefined;
        this.lifecycle.push({ kind: 'close', statusCode: error?.output?.statusCode, error });
      }
    });
    this.sock.ev.on('messages.upsert', ({ messages, type }) => {
      for (const message of messages) this.messages.push({ ...message, upsertType: type });
    });
    this.sock.ev.on('messaging-history.set', (history) => this.histories.push(history));
    this.sock.ev.on('messages.update', (updates) => {
      for (const update of updates) this.statusUpdates.push(update);
    });
  }

  /** Next QR; fails at once if the client closes first instead of waiting out the timeout. */
  async waitForQr({ timeoutMs = DEFAULT_WAIT_MS } = {}): Promise<string> {
    const next = await pollUntil(
      () => {
        if (this.qrs.peekAll().length) return 'qr' as const;
        const closed = this.lifecycle.peekAll().find((e) => e.kind === 'close');
        return closed?.kind === 'close' ? closed : undefined;
      },
      'a QR from the client',
      { timeoutMs, intervalMs: 10 },
    );
    if (next !== 'qr') throw new Error(`the client closed (${next.statusCode}) instead of showing a QR`);
    return this.qrs.take(() => true, 'a QR from the client', 0);
  }

  async waitForOpen({ timeoutMs = DEFAULT_WAIT_MS } = {}): Promise<void> {
    const event = await this.lifecycle.take(() => true, 'the client to open', timeoutMs);
    if (event.kind !== 'open') throw new Error(`expected open, the client closed with ${event.statusCode}`);
  }

  /** Resolves with `lastDisconnect.error.output.statusCode` of the next close. */
  async waitForClose({ timeoutMs = DEFAULT_WAIT_MS } = {}): Promise<number | undefined> {
    const event = await this.lifecycle.take((e) => e.kind === 'close', 'the client to close', timeoutMs);
    return event.kind === 'close' ? event.statusCode : undefined;
  }

  waitForMessage(matches: (m: WAMessage) => boolean, { timeoutMs = DEFAULT_WAIT_MS } = {}) {
    return this.messages.take(matches, 'a messages.upsert', timeoutMs);
  }

  waitForText(text: string, options?: { timeoutMs?: number }) {
    return this.waitForMessage(
      (m) => (m.message?.conversation ?? m.message?.extendedTextMessage?.text) === text,
      options,
    );
  }

  /** Waits for messages.update to move message `id` to `status` (2 server, 3 delivered, 4 read). */
  waitForStatus(id: string, status: number, { timeoutMs = DEFAULT_WAIT_MS } = {}) {
    return this.statusUpdates.take((u) => u.key.id === id && u.update.status === status, `status ${status} of ${id}`, timeoutMs);
  }

  /**
   * Dies the moment the next message stanza arrives, as a process killed then would: the socket
   * ends before Baileys decrypts or receipts it (rc14 sends the receipt before it emits
   * messages.upsert, so a handler of the upsert would be too late). Resolves with the auth state
   * as it was at that moment, which is all a restarted process would have.
   */
  crashOnNextMessage(): Promise<AuthenticationState> {
    return new Promise((resolve) => {
      const onFrame = (frame: BinaryNode) => {
        if (frame.tag !== 'message') return;
        this.sock.ws.off('frame', onFrame);
        resolve(copyMemoryAuthState(this.auth));
        void this.sock.end(undefined);
      };
      this.sock.ws.on('frame', onFrame);
    });
  }

  /** Closes the socket if it is still up (no reconnect: the test decides). */
  end(): void {
    this.sock.end(undefined);
  }
}

/**
 * Links a fresh client to `phone` the way a user does: QR → scan → 515 → reconnect → open.
 * Returns the connected client; its `auth` holds the creds to reconnect later.
 */
export async function linkNewClient(
  sim: { url: string; scanQr(qr: string, o: { phone: string; timeoutMs?: number }): Promise<unknown> },
  phone: string,
  config: Partial<UserFacingSocketConfig> = {},
  { timeoutMs = DEFAULT_WAIT_MS }: { timeoutMs?: number } = {},
): Promise<TestClient> {
  const registering = new TestClient(sim.url, makeMemoryAuthState(), config);
  await sim.scanQr(await registering.waitForQr({ timeoutMs }), { phone, timeoutMs });
  const code = await registering.waitForClose({ timeoutMs });
  if (code !== 515) throw new Error(`expected the client to close with 515 after pairing, got ${code}`);
  const client = new TestClient(sim.url, registering.auth, config);
  await client.waitForOpen({ timeoutMs });
  return client;
}
