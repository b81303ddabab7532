import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BinaryNode } from '@whiskeysockets/baileys';
import { pino, type Logger } from 'pino';
import { WebSocketServer } from 'ws';
import { digitsOnly, type Account, AccountRegistry } from './accounts.js';
import { makeCertificateChain, type CertificateChain } from './cert-chain.js';
import { SimConnection } from './connection.js';
import { DEFAULT_WAIT_MS } from './deadline.js';
import type { ClientVersion, Flapping } from './failures.js';
import { announcedVersion, CLIENT_OUTDATED, isOlder, LOGIN_REFUSED } from './failures.js';
import { answerLoggedInIq } from './iq-handlers.js';
import { SimGroup, type GroupOptions } from './groups.js';
import { DeviceLinking } from './linking.js';
import { LoginLog, type Login } from './login-log.js';
import { routeClientChatState } from './chat-states.js';
import { MediaHost } from './media-host.js';
import { routeClientMessage, routeClientNack, routeClientReceipt } from './message-routing.js';
import { DEFAULT_QR_REF_COUNT } from './pairing.js';
import { Phone } from './phone.js';

export interface SimulatorOptions {
  /** TCP port on 127.0.0.1; 0 (default) picks a free one */
  port?: number;
  /** JSON file that keeps phones, linked devices and the root key across simulator restarts */
  stateFile?: string;
  /** pino logger; silent by default */
  logger?: Logger;
  /** QR refs per registering connection (WhatsApp sends 6); the client closes with 408 after the last */
  qrRefCount?: number;
  /**
   * Oldest WhatsApp Web version accepted: a client announcing an older one (ClientPayload
   * `userAgent.appVersion`) gets `<failure reason=405>` right after the handshake, as WhatsApp
   * answers "client outdated". Unset: any version. Changeable with `requireClientVersion`.
   */
  minClientVersion?: ClientVersion;
}

const LOOPBACK = '127.0.0.1';

/** The WhatsApp Web server side on loopback: see README.md for what it does and does not do. */
export class WhatsAppSimulator {
  private readonly connectionsOpen = new Set<SimConnection>();
  private readonly phones = new Map<string, Phone>();
  private readonly groupsByPhone = new Map<string, SimGroup[]>();
  private readonly chain: CertificateChain;
  private readonly linking: DeviceLinking;
  private readonly wss: WebSocketServer;
  private readonly loginLog = new LoginLog();
  private minClientVersion: ClientVersion | undefined;
  /** When each WebSocket connection was accepted (Date.now()). */
  private readonly acceptedAt: number[] = [];
  private refusedOutdated = 0;

  private constructor(
    private readonly http: Server,
    /** WhatsApp's media servers on loopback (HTTPS): see media-host.ts */
    readonly media: MediaHost,
    private readonly registry: AccountRegistry,
    private readonly log: Logger,
    qrRefCount: number,
    minClientVersion: ClientVersion | undefined,
  ) {
    this.minClientVersion = minClientVersion;
    this.chain = makeCertificateChain(registry.rootKeyPair);
    this.linking = new DeviceLinking(registry, (account) => this.phoneOf(account), qrRefCount, log);
    this.wss = new WebSocketServer({ server: http, path: '/ws/chat' });
    this.wss.on('connection', (ws) => {
      this.acceptedAt.push(Date.now());
      const connection = new SimConnection(ws, this.chain, this.log, {
        onHandshake: (c) => this.onHandshake(c),
        onNode: (c, node) => this.onNode(c, node),
        onClose: (c) => this.onClose(c),
      });
      this.connectionsOpen.add(connection);
    });
  }

  static async start(options: SimulatorOptions = {}): Promise<WhatsAppSimulator> {
    const log = (options.logger ?? pino({ level: 'silent' })).child({ component: 'wa-sim' });
    const registry = AccountRegistry.open(options.stateFile);
    const http = createServer((_, response) => response.writeHead(404).end());
    const media = await MediaHost.start(log);
    const simulator = new WhatsAppSimulator(http, media, registry, log, options.qrRefCount ?? DEFAULT_QR_REF_COUNT, options.minClientVersion);
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(options.port ?? 0, LOOPBACK, () => resolve());
    });
    log.info({ url: simulator.url }, 'simulator listening');
    return simulator;
  }

  get port(): number {
    return (this.http.address() as AddressInfo).port;
  }

  /** What to give Baileys as `waWebSocketUrl`. */
  get url(): string {
    return `ws://${LOOPBACK}:${this.port}/ws/chat`;
  }

  /** What the client process must trust (trustSimulatorRoot / WA_SIMULATOR_ROOT_KEY). */
  get rootPublicKey(): Buffer {
    return Buffer.from(this.chain.root.public);
  }

  /** The simulated phone with this number, created on first use. */
  phone(number: string): Phone {
    return this.phoneOf(this.registry.getOrCreate(number));
  }

  /**
   * A group the phone `phone` is a member of, with these fake contacts (of that phone) as the
   * other participants; the first one is its creator. Groups live for the simulator's run.
   */
  createGroup(phone: string, options: GroupOptions): SimGroup {
    const group = new SimGroup(this.phone(phone), options);
    const number = group.phone.number;
    this.groupsByPhone.set(number, [...(this.groupsByPhone.get(number) ?? []), group]);
    return group;
  }

  /** Phones known so far (from this run and the state file). */
  phoneNumbers(): string[] {
    return this.registry.all().map((a) => a.pn);
  }

  /** Scans a QR the client emitted (`connection.update.qr`) with the phone `phone`. */
  scanQr(qr: string, { phone, timeoutMs = DEFAULT_WAIT_MS }: { phone: string; timeoutMs?: number }): Promise<Phone> {
    return this.linking.scanQr(qr, phone, timeoutMs);
  }

  /** Types a pairing code (from `sock.requestPairingCode(phone)`) on the phone `phone`. */
  enterPairingCode(phone: string, code: string, { timeoutMs = DEFAULT_WAIT_MS } = {}): Promise<void> {
    return this.phone(phone).enterPairingCode(code, { timeoutMs });
  }

  /** WebSocket connections accepted since start, whatever became of them (counts reconnect attempts). */
  connectionAttempts(): number {
    return this.acceptedAt.length;
  }

  /** Every successful login so far (or since a Date.now() value), oldest first. */
  logins(options?: { since?: number }): Login[] {
    return this.loginLog.logins(options);
  }

  /** Logins of a device that was still open on another connection (which got 440): see login-log.ts. */
  doubleOpens(options?: { since?: number }): number {
    return this.loginLog.doubleOpens(options);
  }

  /** When each WebSocket connection was accepted (Date.now()), oldest first; `since` keeps the later ones. */
  connectionTimes({ since = 0 }: { since?: number } = {}): number[] {
    return this.acceptedAt.filter((t) => t >= since);
  }

  /** Logins and registrations refused with 405 because the client's version was too old. */
  outdatedRefusals(): number {
    return this.refusedOutdated;
  }

  /** From now on, refuse clients older than `version` with 405 (undefined: accept any). */
  requireClientVersion(version: ClientVersion | undefined): void {
    this.minClientVersion = version;
  }

  /** Open WebSocket connections, logged in or not. */
  connections(): number {
    return [...this.connectionsOpen].filter((c) => c.isOpen).length;
  }

  logout(phone: string): Promise<number> {
    return this.phone(phone).logout();
  }

  replace(phone: string): Promise<number> {
    return this.phone(phone).replace();
  }

  restartRequired(phone: string): Promise<number> {
    return this.phone(phone).restartRequired();
  }

  drop(phone: string): number {
    return this.phone(phone).drop();
  }

  silence(phone: string): number {
    return this.phone(phone).silence();
  }

  flap(phone: string, { everyMs }: { everyMs: number }): Flapping {
    return this.phone(phone).flap({ everyMs });
  }

  async close(): Promise<void> {
    for (const phone of this.phones.values()) phone.stopFlapping();
    for (const connection of this.connectionsOpen) connection.drop();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
    await this.media.close();
    this.registry.flush();
  }

  private phoneOf(account: Account): Phone {
    let phone = this.phones.get(account.pn);
    if (!phone) {
      phone = new Phone(account, {
        registry: this.registry,
        log: this.log.child({ phone: account.pn }),
        media: this.media,
        enterPairingCode: (p, code, timeoutMs) => this.linking.enterPairingCode(p, code, timeoutMs),
      });
      this.phones.set(account.pn, phone);
    }
    return phone;
  }

  private onHandshake(connection: SimConnection): void {
    const payload = connection.payload!;
    const version = announcedVersion(payload);
    if (this.minClientVersion && isOlder(version, this.minClientVersion)) {
      this.refusedOutdated++;
      connection.log.info({ version: version.join('.'), minimum: this.minClientVersion.join('.') }, 'client outdated (405)');
      void connection.endWithStreamError(CLIENT_OUTDATED);
      return;
    }
    if (payload.devicePairingData) {
      connection.stage = 'registering';
      this.linking.offerQrCodes(connection);
      return;
    }
    const account = this.registry.find(digitsOnly(String(payload.username ?? '')));
    const device = account?.devices.get(payload.device ?? 0);
    if (!account || !device || !connection.clientStaticPublic?.equals(device.noisePublic)) {
      connection.log.info({ username: String(payload.username), device: payload.device }, 'login refused');
      void connection.endWithStreamError(LOGIN_REFUSED);
      return;
    }
    connection.account = account;
    connection.device = device;
    connection.stage = 'logged-in';
    const doubleOpen = this.phoneOf(account).attach(connection);
    this.loginLog.record({ phone: account.pn, device: device.id, at: Date.now(), doubleOpen });
    connection.sendNode({
      tag: 'success',
      attrs: { t: `${Math.floor(Date.now() / 1000)}`, lid: account.deviceLidJid(device.id), location: 'sim' },
    });
  }

  private async onNode(connection: SimConnection, node: BinaryNode): Promise<void> {
    if (connection.stage === 'registering') return this.linking.handleNode(connection, node);
    if (connection.stage !== 'logged-in') return;
    const phone = this.phoneOf(connection.account!);
    if (node.tag === 'iq' && (node.attrs.type === 'get' || node.attrs.type === 'set')) {
      return answerLoggedInIq(node, connection, phone, this.groupsByPhone.get(phone.number));
    }
    if (node.tag === 'message') return routeClientMessage(node, connection, phone);
    if (node.tag === 'receipt') return routeClientReceipt(node, connection, phone);
    if (node.tag === 'chatstate') return routeClientChatState(node, phone);
    if (node.tag === 'ack') return routeClientNack(node, phone);
  }

  private onClose(connection: SimConnection): void {
    this.connectionsOpen.delete(connection);
    this.linking.forget(connection);
    if (connection.account) this.phoneOf(connection.account).detach(connection);
  }
}

/** Starts a simulator on 127.0.0.1 (see SimulatorOptions). */
export const startSimulator = (options?: SimulatorOptions): Promise<WhatsAppSimulator> =>
  WhatsAppSimulator.start(options);
