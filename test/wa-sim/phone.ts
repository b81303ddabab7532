import { randomInt } from 'node:crypto';
import type { BinaryNode, proto } from '@whiskeysockets/baileys';
import type { Logger } from 'pino';
import { digitsOnly, type Account, type AccountRegistry } from './accounts.js';
import type { SimConnection } from './connection.js';
import { DEFAULT_WAIT_MS, pollUntil } from './deadline.js';
import { DeviceBacklog } from './device-backlog.js';
import { FakeContact, type ContactTransport } from './fake-contact.js';
import { historySyncNotification, type HistoryChat } from './history-sync.js';
import type { MediaHost } from './media-host.js';
import { dropAll, endWithStreamError, silenceAll, startFlapping, STREAM_ERRORS, type Flapping } from './failures.js';
import { takeDeviceBundle, type PreKeyBundle } from './prekey-bundles.js';
import { directSender, type Addressing } from './contact-stanzas.js';
import { typedOnPhoneStanza } from './typed-on-phone.js';

export interface PhoneContext {
  registry: AccountRegistry;
  log: Logger;
  media: MediaHost;
  enterPairingCode(phone: Phone, code: string, timeoutMs: number): Promise<void>;
}

/**
 * A simulated phone at run time: its account, the connections of its linked devices, what waits
 * for devices that are offline, and the fake contacts it chats with. This is the handle tests get
 * from `sim.phone(number)`.
 */
export class Phone implements ContactTransport {
  private readonly live = new Map<number, SimConnection>();
  private readonly backlogs = new Map<number, DeviceBacklog>();
  private readonly contactsByPn = new Map<string, FakeContact>();
  private readonly contactsByLid = new Map<string, FakeContact>();
  private flapping?: Flapping;
  /** While true, a message to a contact who never wrote to this phone is refused with 463 (see refuseNewChats). */
  refusingNewChats = false;
  private history: HistoryChat[] = [];
  /** The phone's own device 0 as its companions' Signal peer: one identity for all it sends them. */
  private primary?: FakeContact;
  private readonly notOnWhatsApp = new Set<string>();

  constructor(
    readonly account: Account,
    private readonly context: PhoneContext,
  ) {}

  get number(): string {
    return this.account.pn;
  }

  get pnJid(): string {
    return this.account.pnJid;
  }

  get lidJid(): string {
    return this.account.lidJid;
  }

  /** the simulator's media host, where this phone's contacts upload and download media */
  get media(): MediaHost {
    return this.context.media;
  }

  /**
   * The contact with this phone number or LID jid (`…@lid`), created on first use with a fresh
   * Signal identity; without an argument, a new contact with a random number.
   */
  contact(pnOrLid?: string, { pushName }: { pushName?: string } = {}): FakeContact {
    const existing = pnOrLid ? this.findContact(pnOrLid) : undefined;
    if (existing) return existing;
    const isLid = pnOrLid?.endsWith('@lid') ?? false;
    const pn = pnOrLid && !isLid ? digitsOnly(pnOrLid) : `1555${randomInt(1_000_000, 9_999_999)}`;
    const lid = isLid ? digitsOnly(pnOrLid!) : this.context.registry.newLid();
    const contact = new FakeContact(pn, lid, this, this.context.log.child({ contact: pn }), pushName);
    this.contactsByPn.set(pn, contact);
    this.contactsByLid.set(lid, contact);
    return contact;
  }

  /** The contact a jid (PN or LID, with or without device) points at, if any. */
  findContact(jid: string): FakeContact | undefined {
    const user = digitsOnly(jid);
    if (jid.endsWith('@lid')) return this.contactsByLid.get(user);
    return this.contactsByPn.get(user) ?? (jid.includes('@') ? undefined : this.contactsByLid.get(user));
  }

  /** Live, logged-in connections of this phone's linked devices. */
  connections(): SimConnection[] {
    return [...this.live.values()].filter((c) => c.isOpen);
  }

  connectionCount(): number {
    return this.connections().length;
  }

  /**
   * The chats this phone hands a device after it is linked (its first login), as WhatsApp's
   * history sync does; none by default. See `sampleHistory`.
   */
  setHistory(chats: HistoryChat[]): void {
    this.history = chats;
  }

  /** Numbers the client's lookups (usync, `onWhatsApp`) find not on WhatsApp; any other number is. */
  setNotOnWhatsApp(numbers: string[]): void {
    for (const n of numbers) this.notOnWhatsApp.add(digitsOnly(n));
  }

  isOnWhatsApp(number: string): boolean {
    return !this.notOnWhatsApp.has(digitsOnly(number));
  }

  /**
   * The user types `text` to `contact` on the phone itself: every linked device gets the copy
   * WhatsApp fans out to companions (see `typedOnPhoneStanza`) and upserts it fromMe in the
   * contact's chat. Resolves with the message id. The contact's side is not modelled (its inbox
   * stays as it was).
   */
  typeOnPhone(contact: FakeContact, content: string | proto.IMessage, { addressing, id }: { addressing?: Addressing; id?: string } = {}): Promise<string> {
    const mode = addressing ?? (contact.identity === 'pn-only' ? 'pn' : 'lid');
    const { sender, message } = typedOnPhoneStanza(this.lidJid, contact, typeof content === 'string' ? { conversation: content } : content, mode);
    return this.primaryDevice().sendAs(message, sender, { id });
  }

  /** Resolves once a linked device is logged in and has received its offline backlog. */
  async waitForOnline({ timeoutMs = DEFAULT_WAIT_MS } = {}): Promise<void> {
    await pollUntil(() => (this.connections().some((c) => c.ready) ? true : undefined), `phone ${this.number} online`, {
      timeoutMs,
    });
  }

  /** The user types the code the client shows (requestPairingCode); resolves once linked. */
  enterPairingCode(code: string, { timeoutMs = DEFAULT_WAIT_MS } = {}): Promise<void> {
    return this.context.enterPairingCode(this, code, timeoutMs);
  }

  /** Unlinks every device (or one): live connections close with 401 and cannot log in again. */
  async logout({ deviceId }: { deviceId?: number } = {}): Promise<number> {
    const ids = deviceId === undefined ? [...this.account.devices.keys()] : [deviceId];
    const ending = ids.map((id) => this.live.get(id)).filter((c): c is SimConnection => !!c?.isOpen);
    for (const id of ids) this.unlink(id);
    return endWithStreamError(ending, STREAM_ERRORS.loggedOut);
  }

  /**
   * WhatsApp's reach-out timelock: while on, messages the client sends to contacts who never wrote
   * to this phone are answered `<ack error=463>` and not delivered; replies to existing chats pass.
   */
  refuseNewChats(on = true): void {
    this.refusingNewChats = on;
  }

  /** 440: as if another client had logged in as the same device. */
  replace(): Promise<number> {
    return endWithStreamError(this.connections(), STREAM_ERRORS.replaced);
  }

  /** 515: the client must reconnect at once (creds unchanged). */
  restartRequired(): Promise<number> {
    return endWithStreamError(this.connections(), STREAM_ERRORS.restartRequired);
  }

  /** 428: the socket disappears. */
  drop(): number {
    return dropAll(this.connections());
  }

  /** 408: the server goes quiet until the client's keepalive gives up. */
  silence(): number {
    return silenceAll(this.connections());
  }

  /** Drops this phone's connections every `everyMs` until `stopFlapping()`. */
  flap({ everyMs }: { everyMs: number }): Flapping {
    this.stopFlapping();
    const flapping = startFlapping(() => this.connections(), everyMs);
    this.flapping = flapping;
    return { stop: () => (this.flapping === flapping ? this.stopFlapping() : flapping.stop()) };
  }

  stopFlapping(): void {
    this.flapping?.stop();
    this.flapping = undefined;
  }

  // ---- used by the simulator and by fake contacts ----

  /**
   * A device logged in; an older connection of the same device is replaced (440). True when that
   * older one was still open: two clients had the device at once (a double open).
   */
  attach(connection: SimConnection): boolean {
    const deviceId = connection.device!.id;
    const previous = this.live.get(deviceId);
    this.live.set(deviceId, connection);
    if (!previous?.isOpen) return false;
    void previous.endWithStreamError(STREAM_ERRORS.replaced);
    return true;
  }

  detach(connection: SimConnection): void {
    const deviceId = connection.device?.id;
    if (deviceId !== undefined && this.live.get(deviceId) === connection) this.live.delete(deviceId);
  }

  /**
   * Pushes what the device is owed (what waited while it was away, and messages it never
   * receipted), marked offline, then tells the client the backlog is done.
   */
  markReady(connection: SimConnection): void {
    if (connection.ready) return;
    const backlog = this.backlogOf(connection.device!.id).takeForLogin();
    for (const stanza of backlog) connection.sendNode({ ...stanza, attrs: { ...stanza.attrs, offline: '1' } });
    connection.ready = true;
    connection.sendNode({
      tag: 'ib',
      attrs: { from: 's.whatsapp.net' },
      content: [{ tag: 'offline', attrs: { count: `${backlog.length}` } }],
    });
    this.sendHistoryOnce(connection.device!.id);
  }

  /** The device's delivery (or read…) receipt for these messages: they are not pushed again. */
  receipted(deviceId: number, messageIds: string[]): void {
    this.backlogs.get(deviceId)?.receipted(messageIds);
  }

  /** Ids of messages pushed to (or waiting for) a device that it has not receipted yet. */
  unreceiptedIds(deviceId: number): string[] {
    return this.backlogs.get(deviceId)?.unreceiptedIds() ?? [];
  }

  /** Pre-keys or signed pre-key of a device changed: persist them. */
  devicesChanged(): void {
    this.context.registry.changed();
  }

  unlink(deviceId: number): void {
    this.account.devices.delete(deviceId);
    this.backlogs.delete(deviceId);
    this.context.registry.changed();
  }

  recipients(): { deviceId: number; address: string }[] {
    return [...this.account.devices.keys()].map((id) => ({ deviceId: id, address: this.account.deviceLidJid(id) }));
  }

  takeBundle(deviceId: number): PreKeyBundle | undefined {
    const device = this.account.devices.get(deviceId);
    if (!device) return undefined;
    const bundle = takeDeviceBundle(device);
    this.context.registry.changed();
    return bundle;
  }

  /** Sends now when the device is online; either way a message stays owed until receipted. */
  deliver(deviceId: number, stanza: BinaryNode): void {
    const connection = this.live.get(deviceId);
    const sentNow = !!connection?.ready && connection.isOpen && !connection.silenced;
    if (sentNow) connection.sendNode(stanza);
    this.backlogOf(deviceId).add(stanza, { sentNow });
  }

  /**
   * The history comes from the phone itself (its device 0, so Baileys sees it fromMe, as a
   * self-only protocol message requires), Signal-encrypted to the new device alone.
   */
  private sendHistoryOnce(deviceId: number): void {
    const device = this.account.devices.get(deviceId);
    if (!device || device.historySent) return;
    device.historySent = true;
    this.context.registry.changed();
    if (!this.history.length) return;
    const primary = this.primaryDevice();
    primary.sendAs(historySyncNotification(this.history), directSender(primary, 'lid'), { toDevice: (id) => id === deviceId }).catch((error: unknown) => {
      this.context.log.warn({ err: error, deviceId }, 'could not send the history');
    });
  }

  private primaryDevice(): FakeContact {
    return (this.primary ??= new FakeContact(this.account.pn, this.account.lid, this, this.context.log.child({ device: 0 }), 'Phone'));
  }

  private backlogOf(deviceId: number): DeviceBacklog {
    let backlog = this.backlogs.get(deviceId);
    if (!backlog) this.backlogs.set(deviceId, (backlog = new DeviceBacklog()));
    return backlog;
  }
}
