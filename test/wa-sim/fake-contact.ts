import { randomBytes } from 'node:crypto';
import {
  DEFAULT_CONNECTION_CONFIG,
  encodeWAMessage,
  generateSignalPubKey,
  getNextPreKeys,
  initAuthCreds,
  proto,
  unpadRandomMax16,
  type AnyMediaMessageContent,
  type AuthenticationCreds,
  type BinaryNode,
  type SignalKeyStore,
  type SignalKeyStoreWithTransaction,
  type SignalRepositoryWithLIDStore,
} from '@whiskeysockets/baileys';
import type { Logger } from 'pino';
import { AsyncQueue } from './async-queue.js';
import type { ChatState } from './chat-states.js';
import { downloadContactMedia, prepareContactMedia, type MediaDetails } from './contact-media.js';
import {
  authorJid,
  contactStanza,
  directSender,
  groupSender,
  type Addressing,
  type ContactIdentity,
  type Encrypted,
} from './contact-stanzas.js';
import { DEFAULT_WAIT_MS } from './deadline.js';
import { makeMemoryKeyStore } from './memory-auth-state.js';
import type { MediaHost } from './media-host.js';
import type { PreKeyBundle } from './prekey-bundles.js';

export type { Addressing, ContactIdentity };
export interface SendOptions {
  addressing?: Addressing;
  id?: string;
}
/** `server` is the server's "sent" receipt (status 2), the others come from the contact's phone. */
export type ReceiptKind = 'server' | 'delivered' | 'read' | 'played';

/** A message the client sent to this contact, decrypted by the contact. */
export interface ReceivedMessage {
  id: string;
  /** conversation or extendedTextMessage text, '' for other kinds */
  text: string;
  message: proto.IMessage;
  /** the jid the client addressed (`to` of the stanza): tells PN from LID addressing */
  to: string;
  /** the Signal address of the sending linked device */
  fromDevice: string;
  encType: string;
}

/** A receipt the client sent for a message of this contact (delivery, read…). */
export interface ClientReceipt {
  id: string;
  type: string;
}

/** How a contact reaches the linked devices of the phone it talks to. */
export interface ContactTransport {
  recipients(): { deviceId: number; address: string }[];
  /** the device's bundle, consuming a one-time pre-key; undefined before it uploaded keys */
  takeBundle(deviceId: number): PreKeyBundle | undefined;
  /** sends now when the device is online, queues for its next login otherwise */
  deliver(deviceId: number, stanza: BinaryNode): void;
  /** where media is uploaded to and downloaded from */
  readonly media: MediaHost;
  /** the phone's own JIDs: the chat a contact's message keys point at */
  readonly lidJid: string;
  readonly pnJid: string;
}

/** A group as a contact writes to it. */
export interface GroupAddress {
  jid: string;
  addressing: Addressing;
}

const RECEIPT_TYPE: Record<ReceiptKind, string | undefined> = {
  server: 'sender',
  delivered: undefined,
  read: 'read',
  played: 'played',
};

/** A WhatsApp user who chats with a simulated phone, with a real Signal identity of its own. */
export class FakeContact {
  readonly inbox = new AsyncQueue<ReceivedMessage>();
  readonly clientReceipts = new AsyncQueue<ClientReceipt>();
  /** Typing / recording / paused the client showed this contact, in order (with when). */
  readonly chatStates = new AsyncQueue<{ state: ChatState; at: number }>();
  private readonly creds: AuthenticationCreds = initAuthCreds();
  private readonly keys;
  private readonly signal: SignalRepositoryWithLIDStore;
  /** Signal operations on one identity must not interleave (ratchets advance in order) */
  private signalWork: Promise<unknown> = Promise.resolve();
  private readonly sentTo = new Map<string, { to: string; deviceAddress: string }>();
  /** Whether this contact ever wrote to the phone: WhatsApp's test for "an existing chat". */
  hasWritten = false;
  /** `group author device` triples that already hold this contact's sender key */
  private readonly senderKeySent = new Set<string>();
  /**
   * Which of its JIDs the contact's stanzas show. `lid-only`: `from=…@lid` with no `sender_pn`
   * (the client never learns the number); `pn-only`: `from=…@s.whatsapp.net` with no `sender_lid`,
   * and usync gives no LID for it.
   */
  identity: ContactIdentity = 'both';

  constructor(
    readonly pn: string,
    readonly lid: string,
    private readonly transport: ContactTransport,
    private readonly log: Logger,
    public pushName = `Contact ${pn}`,
  ) {
    this.keys = withoutTransactions(makeMemoryKeyStore());
    this.signal = DEFAULT_CONNECTION_CONFIG.makeSignalRepository({ creds: this.creds, keys: this.keys }, log);
  }

  get pnJid(): string {
    return `${this.pn}@s.whatsapp.net`;
  }

  get lidJid(): string {
    return `${this.lid}@lid`;
  }

  /** From now on the stanzas show only the LID (see `identity`). */
  lidOnly(): this {
    this.identity = 'lid-only';
    return this;
  }

  /** From now on the stanzas show only the phone number (see `identity`). */
  pnOnly(): this {
    this.identity = 'pn-only';
    return this;
  }

  /** Sends a text to every linked device of the phone; resolves with the message id. */
  sendText(text: string, options: SendOptions = {}): Promise<string> {
    return this.sendMessage({ conversation: text }, options);
  }

  sendImage(bytes: Buffer, { caption, mimetype = 'image/jpeg', ...send }: MediaDetails & SendOptions = {}) {
    return this.sendMedia({ image: bytes, caption, mimetype }, send);
  }

  sendVideo(bytes: Buffer, { caption, mimetype = 'video/mp4', ...send }: MediaDetails & SendOptions = {}) {
    return this.sendMedia({ video: bytes, caption, mimetype }, send);
  }

  /** `ptt: true` is a voice note (what the WhatsApp app records), otherwise an audio file. */
  sendAudio(bytes: Buffer, { ptt = false, seconds = 1, mimetype = 'audio/ogg; codecs=opus', ...send }: { ptt?: boolean; seconds?: number; mimetype?: string } & SendOptions = {}) {
    return this.sendMedia({ audio: bytes, ptt, seconds, mimetype }, send);
  }

  sendDocument(bytes: Buffer, { fileName, caption, mimetype = 'application/pdf', ...send }: MediaDetails & { fileName?: string } & SendOptions = {}) {
    return this.sendMedia({ document: bytes, fileName, caption, mimetype }, send);
  }

  sendSticker(bytes: Buffer, { mimetype = 'image/webp', ...send }: { mimetype?: string } & SendOptions = {}) {
    return this.sendMedia({ sticker: bytes, mimetype }, send);
  }

  /** Encrypts and uploads the media to the simulator's media host, then sends the message. */
  async sendMedia(content: AnyMediaMessageContent, options: SendOptions = {}): Promise<string> {
    return this.sendMessage(await this.prepareMedia(content), options);
  }

  /** Encrypts and uploads media; the message is the caller's to send (or to tamper with first). */
  prepareMedia(content: AnyMediaMessageContent): Promise<proto.IMessage> {
    return prepareContactMedia(content, this.transport.media, this.log);
  }

  /** The plaintext of media the client sent this contact, downloaded from the media host. */
  downloadMedia(received: Pick<ReceivedMessage, 'id' | 'message'>): Promise<Buffer> {
    return downloadContactMedia(received.id, received.message, this.transport.media);
  }

  sendMessage(message: proto.IMessage, { addressing = this.defaultAddressing(), id }: SendOptions = {}) {
    this.hasWritten = true;
    return this.sendAs(message, directSender(this, addressing), { id });
  }

  /**
   * Sends one pairwise copy to each linked device `toDevice` accepts, the stanza showing the
   * `sender` attributes given: how the phone's own device 0 reaches its companions (history,
   * messages typed on the phone), whose stanzas name a recipient besides the sender.
   */
  sendAs(message: proto.IMessage, sender: Record<string, string>, { id, toDevice = () => true }: { id?: string; toDevice?: (deviceId: number) => boolean } = {}) {
    const messageId = id ?? newMessageId();
    const plaintext = encodeWAMessage(message);
    return this.serially(async () => {
      for (const { deviceId, address } of this.transport.recipients()) {
        if (!toDevice(deviceId)) continue;
        const enc = await this.pairwise(deviceId, address, plaintext);
        if (enc) this.transport.deliver(deviceId, contactStanza(messageId, sender, message, this.pushName, [enc]));
      }
      return messageId;
    });
  }

  /**
   * Sends to a group the way WhatsApp clients do: the content once, encrypted with this contact's
   * sender key for the group (`skmsg`), preceded, for each device that does not hold that key yet,
   * by a pairwise `pkmsg`/`msg` carrying the SenderKeyDistributionMessage.
   */
  sendGroupMessage(group: GroupAddress, message: proto.IMessage, { id }: { id?: string } = {}): Promise<string> {
    const messageId = id ?? newMessageId();
    const plaintext = encodeWAMessage(message);
    const author = authorJid(this, group.addressing);
    const sender = groupSender(this, group.jid, group.addressing);
    return this.serially(async () => {
      const { ciphertext, senderKeyDistributionMessage } = await this.signal.encryptGroupMessage({ group: group.jid, meId: author, data: plaintext });
      const distribution = encodeWAMessage({
        senderKeyDistributionMessage: { groupId: group.jid, axolotlSenderKeyDistributionMessage: senderKeyDistributionMessage },
      });
      for (const { deviceId, address } of this.transport.recipients()) {
        const encs: Encrypted[] = [];
        const holder = `${group.jid} ${author} ${address}`;
        if (!this.senderKeySent.has(holder)) {
          const enc = await this.pairwise(deviceId, address, distribution);
          if (!enc) continue;
          encs.push(enc);
          this.senderKeySent.add(holder);
        }
        encs.push({ type: 'skmsg', ciphertext });
        this.transport.deliver(deviceId, contactStanza(messageId, sender, message, this.pushName, encs));
      }
      return messageId;
    });
  }

  /** Edits one of this contact's own messages (protocolMessage MESSAGE_EDIT), as WhatsApp sends it. */
  edit(messageId: string, text: string, options: SendOptions = {}): Promise<string> {
    const key = this.ownMessageKey(messageId, options.addressing);
    const type = proto.Message.ProtocolMessage.Type.MESSAGE_EDIT;
    return this.sendMessage({ protocolMessage: { key, type, editedMessage: { conversation: text }, timestampMs: Date.now() } }, options);
  }

  /** Deletes one of this contact's own messages for everyone (protocolMessage REVOKE). */
  revoke(messageId: string, options: SendOptions = {}): Promise<string> {
    const key = this.ownMessageKey(messageId, options.addressing);
    return this.sendMessage({ protocolMessage: { key, type: proto.Message.ProtocolMessage.Type.REVOKE } }, options);
  }

  /**
   * Reacts to a message of the chat ('' removes the reaction): by default one the client sent,
   * `{ ownMessage: true }` for one of this contact's own.
   */
  react(messageId: string, emoji: string, { ownMessage = false, ...options }: SendOptions & { ownMessage?: boolean } = {}) {
    const key = { ...this.ownMessageKey(messageId, options.addressing), fromMe: ownMessage };
    return this.sendMessage({ reactionMessage: { key, text: emoji, senderTimestampMs: Date.now() } }, options);
  }

  /** Next message the client sent to this contact, in order. */
  nextMessage({ timeoutMs = DEFAULT_WAIT_MS } = {}): Promise<ReceivedMessage> {
    return this.inbox.take(() => true, `a message to contact ${this.pn}`, timeoutMs);
  }

  /** Waits for (and takes) the first message with exactly this text. */
  waitForText(text: string, { timeoutMs = DEFAULT_WAIT_MS } = {}): Promise<ReceivedMessage> {
    return this.inbox.take((m) => m.text === text, `text "${text}" to contact ${this.pn}`, timeoutMs);
  }

  /** Waits for the client's receipt of one of this contact's messages (type 'delivery' = no type). */
  waitForClientReceipt(id: string, { type, timeoutMs = DEFAULT_WAIT_MS }: { type?: string; timeoutMs?: number } = {}) {
    const matches = (r: ClientReceipt) => r.id === id && (type === undefined || r.type === type);
    return this.clientReceipts.take(matches, `client receipt ${type ?? ''} for ${id}`, timeoutMs);
  }

  /** Receipt for a message the client sent: moves its status to 2/3/4/5 in messages.update. */
  sendReceipt(messageId: string, kind: ReceiptKind, { addressing }: { addressing?: Addressing } = {}): void {
    const sent = this.sentTo.get(messageId);
    const from = addressing ? this.jidFor(addressing) : (sent?.to ?? this.lidJid);
    const type = RECEIPT_TYPE[kind];
    const stanza: BinaryNode = {
      tag: 'receipt',
      attrs: { from, id: messageId, t: `${Math.floor(Date.now() / 1000)}`, ...(type ? { type } : {}) },
    };
    const targets = this.transport.recipients().filter((r) => !sent || r.address === sent.deviceAddress);
    for (const { deviceId } of targets) this.transport.deliver(deviceId, stanza);
  }

  /** The bundle the server gives the client so it can open a session with this contact. */
  takeBundle(): Promise<PreKeyBundle> {
    return this.serially(async () => {
      const { update, preKeys } = await getNextPreKeys({ creds: this.creds, keys: this.keys }, 1);
      Object.assign(this.creds, update);
      const [id, pair] = Object.entries(preKeys)[0]!;
      return {
        registrationId: this.creds.registrationId,
        identityPublic: Buffer.from(this.creds.signedIdentityKey.public),
        signedPreKey: {
          id: this.creds.signedPreKey.keyId,
          public: Buffer.from(this.creds.signedPreKey.keyPair.public),
          signature: Buffer.from(this.creds.signedPreKey.signature),
        },
        preKey: { id: Number(id), public: Buffer.from(pair.public) },
      };
    });
  }

  /** Decrypts one `<enc>` the client addressed to this contact and files it in the inbox. */
  receiveFromClient(stanza: { id: string; to: string; fromDevice: string }, encType: string, ciphertext: Uint8Array) {
    return this.serially(async () => {
      const type = encType === 'pkmsg' ? 'pkmsg' : 'msg';
      const padded = await this.signal.decryptMessage({ jid: stanza.fromDevice, type, ciphertext });
      const message = proto.Message.decode(unpadRandomMax16(padded));
      const text = message.conversation ?? message.extendedTextMessage?.text ?? '';
      this.sentTo.set(stanza.id, { to: stanza.to, deviceAddress: stanza.fromDevice });
      this.log.info({ id: stanza.id, to: stanza.to, text }, 'contact received a message');
      this.inbox.push({ ...stanza, text, message, encType });
    });
  }

  /** Messages of this contact the client refused (`<ack error=…>`: e.g. 487, it could not decrypt). */
  readonly clientNacks = new AsyncQueue<{ id: string; error: string }>();

  recordClientNack(nack: { id: string; error: string }): void {
    this.clientNacks.push(nack);
  }

  recordChatState(state: { state: ChatState; at: number }): void {
    this.chatStates.push(state);
  }

  recordClientReceipt(receipt: ClientReceipt): void {
    this.clientReceipts.push(receipt);
  }

  private jidFor(addressing: Addressing): string {
    return addressing === 'lid' ? this.lidJid : this.pnJid;
  }

  private defaultAddressing(): Addressing {
    return this.identity === 'pn-only' ? 'pn' : 'lid';
  }

  /** The key of a message this contact sent, as the contact's own phone names it (its chat with the phone). */
  private ownMessageKey(id: string, addressing = this.defaultAddressing()): proto.IMessageKey {
    return { remoteJid: addressing === 'lid' ? this.transport.lidJid : this.transport.pnJid, fromMe: true, id };
  }

  /** One device's pairwise copy, opening the session with a pre-key bundle first if needed. */
  private async pairwise(deviceId: number, address: string, plaintext: Uint8Array): Promise<Encrypted | undefined> {
    if (!(await this.signal.validateSession(address)).exists) {
      const bundle = this.transport.takeBundle(deviceId);
      if (!bundle) {
        this.log.warn({ address }, 'linked device has no pre-keys yet: message not sent to it');
        return undefined;
      }
      await this.signal.injectE2ESession({ jid: address, session: toSessionBundle(bundle) });
    }
    return this.signal.encryptMessage({ jid: address, data: plaintext });
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const result = this.signalWork.then(work);
    this.signalWork = result.catch(() => undefined);
    return result;
  }
}

/**
 * The contact's key store, with `transaction` running the work directly on the store.
 *
 * Not Baileys' `addTransactionCapability`: its transactions live in an AsyncLocalStorage, and
 * libsignal runs every session operation through a process-global job queue keyed by the peer's
 * address (`libsignal/src/queue_job.js`), whose executor runs each queued job in the async context
 * of the caller that started it. All fake contacts of a phone address the same device, so in a burst
 * the executor started by one contact's transaction stays busy with the others' jobs, and that
 * contact's next encryptions run inside its first, already committed transaction: they read its
 * cache and write to its dead mutation set, and the session silently falls back to the committed
 * chain counter (the device then sees message keys it already used: "Key used already or never
 * filled"). Every Signal operation of a contact already runs one at a time (`serially`), so writes
 * can go straight to memory.
 */
function withoutTransactions(store: SignalKeyStore): SignalKeyStoreWithTransaction {
  return {
    get: (type, ids) => store.get(type, ids),
    set: (data) => store.set(data),
    clear: () => store.clear?.(),
    isInTransaction: () => false,
    transaction: (work) => work(),
  };
}

const newMessageId = () => `SIM${randomBytes(8).toString('hex').toUpperCase()}`;

function toSessionBundle(bundle: PreKeyBundle) {
  const withType = (key: Buffer) => Buffer.from(generateSignalPubKey(key));
  return {
    registrationId: bundle.registrationId,
    identityKey: withType(bundle.identityPublic),
    signedPreKey: {
      keyId: bundle.signedPreKey.id,
      publicKey: withType(bundle.signedPreKey.public),
      signature: bundle.signedPreKey.signature,
    },
    preKey: bundle.preKey ? { keyId: bundle.preKey.id, publicKey: withType(bundle.preKey.public) } : undefined,
  };
}
