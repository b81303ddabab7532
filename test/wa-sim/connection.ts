import { randomBytes } from 'node:crypto';
import { decodeBinaryNode, encodeBinaryNode, type BinaryNode, type proto } from '@whiskeysockets/baileys';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import type { Account, LinkedDevice } from './accounts.js';
import type { CertificateChain } from './cert-chain.js';
import { DEFAULT_WAIT_MS, withDeadline } from './deadline.js';
import { encodeFrame, FrameReader } from './noise-framing.js';
import { NoiseServerHandshake, type ClientFinishResult, type NoiseTransport } from './noise-handshake.js';

export type ConnectionStage = 'handshake' | 'registering' | 'logged-in' | 'closed';

export interface ConnectionEvents {
  /** the Noise handshake finished; the payload says whether the client logs in or registers */
  onHandshake(connection: SimConnection, result: ClientFinishResult): void | Promise<void>;
  /** a decrypted stanza that is not the answer to one of our own queries */
  onNode(connection: SimConnection, node: BinaryNode): void | Promise<void>;
  onClose(connection: SimConnection): void;
}

/**
 * How long the server waits for the client to close after a stream error before cutting it. Only
 * a client that never reacts waits this out; a busy machine can delay a healthy one by seconds,
 * and cutting it early would turn its 515 into a 428.
 */
const CLIENT_CLOSE_GRACE_MS = 15_000;
let nextConnectionId = 1;

/** One client WebSocket: the Noise handshake, then encrypted binary nodes both ways. */
export class SimConnection {
  readonly id = nextConnectionId++;
  stage: ConnectionStage = 'handshake';
  payload?: proto.ClientPayload;
  clientStaticPublic?: Buffer;
  account?: Account;
  device?: LinkedDevice;
  /** true once `<ib><offline/></ib>` was sent: stanzas now go straight to the client */
  ready = false;
  /** a silenced connection neither reads nor writes, so the client's keepalive times out (408) */
  silenced = false;
  readonly closed: Promise<void>;
  readonly log: Logger;

  private readonly reader = new FrameReader();
  private readonly handshake: NoiseServerHandshake;
  private transport?: NoiseTransport;
  private framesSeen = 0;
  private processing: Promise<void> = Promise.resolve();
  private readonly pendingQueries = new Map<string, (node: BinaryNode) => void>();
  private readonly idPrefix = randomBytes(3).toString('hex');
  private nextStanzaId = 1;

  constructor(
    private readonly ws: WebSocket,
    chain: CertificateChain,
    logger: Logger,
    private readonly events: ConnectionEvents,
  ) {
    this.log = logger.child({ connection: this.id });
    this.handshake = new NoiseServerHandshake(chain.serverStatic, chain.encoded);
    this.closed = new Promise((resolve) => ws.once('close', () => resolve()));
    ws.on('message', (data: Buffer) => this.receive(data));
    ws.on('error', (error) => this.log.debug({ err: error }, 'websocket error'));
    void this.closed.then(() => {
      this.stage = 'closed';
      this.events.onClose(this);
    });
  }

  get isOpen(): boolean {
    return this.stage !== 'closed' && this.ws.readyState === this.ws.OPEN;
  }

  newStanzaId(): string {
    return `${this.idPrefix}.${this.nextStanzaId++}`;
  }

  sendNode(node: BinaryNode): void {
    if (!this.transport || !this.isOpen || this.silenced) return;
    if (this.log.isLevelEnabled('trace')) this.log.trace({ node: describeNode(node) }, 'send');
    this.ws.send(encodeFrame(this.transport.encrypt(encodeBinaryNode(node))));
  }

  /** Sends an iq to the client and waits for its result (or error) with the same id. */
  query(node: BinaryNode, timeoutMs = DEFAULT_WAIT_MS): Promise<BinaryNode> {
    const id = (node.attrs.id ??= this.newStanzaId());
    const answer = new Promise<BinaryNode>((resolve) => this.pendingQueries.set(id, resolve));
    this.sendNode(node);
    return withDeadline(answer, timeoutMs, `the client's answer to iq ${id}`).finally(() =>
      this.pendingQueries.delete(id),
    );
  }

  /**
   * Sends a stream error and lets the client close first, as WhatsApp does: if the server cut the
   * socket at once, the client could see the close before decoding the error and report 428.
   */
  async endWithStreamError(reason: BinaryNode): Promise<void> {
    this.sendNode(reason);
    const cut = setTimeout(() => this.drop(), CLIENT_CLOSE_GRACE_MS);
    await this.closed;
    clearTimeout(cut);
  }

  /** Cuts the socket without a goodbye, like a network failure. */
  drop(): void {
    this.ws.terminate();
  }

  private receive(data: Buffer): void {
    if (this.silenced) return;
    let frames: Buffer[];
    try {
      frames = this.reader.push(data);
    } catch (error) {
      this.log.warn({ err: error }, 'bad framing, dropping the connection');
      this.drop();
      return;
    }
    for (const frame of frames) {
      this.processing = this.processing.then(() => this.handleFrame(frame)).catch((error: unknown) => {
        this.log.warn({ err: error }, 'failed to handle a frame, dropping the connection');
        this.drop();
      });
    }
  }

  private async handleFrame(frame: Buffer): Promise<void> {
    if (this.stage === 'closed' || this.silenced) return;
    const index = this.framesSeen++;
    if (index === 0) {
      this.ws.send(encodeFrame(this.handshake.answerClientHello(frame)));
      return;
    }
    if (index === 1) {
      const result = this.handshake.acceptClientFinish(frame);
      this.transport = result.transport;
      this.payload = result.payload;
      this.clientStaticPublic = result.clientStaticPublic;
      await this.events.onHandshake(this, result);
      return;
    }
    const node = await decodeBinaryNode(this.transport!.decrypt(frame));
    if (this.log.isLevelEnabled('trace')) this.log.trace({ node: describeNode(node) }, 'recv');
    const waiting = node.tag === 'iq' ? this.pendingQueries.get(node.attrs.id ?? '') : undefined;
    if (waiting && (node.attrs.type === 'result' || node.attrs.type === 'error')) {
      waiting(node);
      return;
    }
    await this.events.onNode(this, node);
  }
}

/** A short, log-friendly rendering of a stanza: tags and attributes, byte contents as lengths. */
function describeNode(node: BinaryNode): unknown {
  const { tag, attrs, content } = node;
  if (Array.isArray(content)) return { tag, attrs, content: content.map(describeNode) };
  if (content instanceof Uint8Array) return { tag, attrs, bytes: content.length };
  return content === undefined ? { tag, attrs } : { tag, attrs, content };
}
