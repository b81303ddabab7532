import {
  aesDecryptGCM,
  aesEncryptGCM,
  Curve,
  hkdf,
  NOISE_MODE,
  NOISE_WA_HEADER,
  proto,
  sha256,
  type KeyPair,
} from '@whiskeysockets/baileys';

const EMPTY = Buffer.alloc(0);

function ivFor(counter: number): Buffer {
  const iv = Buffer.alloc(12);
  iv.writeUInt32BE(counter, 8);
  return iv;
}

/** Transport keys after the handshake: one counter per direction, empty associated data. */
export class NoiseTransport {
  private readCounter = 0;
  private writeCounter = 0;

  constructor(
    private readonly encryptKey: Uint8Array,
    private readonly decryptKey: Uint8Array,
  ) {}

  encrypt(plaintext: Uint8Array): Buffer {
    return aesEncryptGCM(plaintext, this.encryptKey, ivFor(this.writeCounter++), EMPTY);
  }

  decrypt(ciphertext: Uint8Array): Buffer {
    return aesDecryptGCM(ciphertext, this.decryptKey, ivFor(this.readCounter++), EMPTY);
  }
}

export interface ClientFinishResult {
  /** the client's static Noise public key (creds.noiseKey.public): identifies a linked device */
  clientStaticPublic: Buffer;
  payload: proto.ClientPayload;
  transport: NoiseTransport;
}

/**
 * Server side of Noise_XX_25519_AESGCM_SHA256 as Baileys' noise-handler speaks it: the mirror of
 * its symmetric state (one hash, one salt, one key and one counter shared by both directions while
 * handshaking; the counter resets on every mix).
 */
export class NoiseServerHandshake {
  private hash: Buffer = Buffer.from(NOISE_MODE);
  private salt: Buffer = this.hash;
  private key: Buffer = this.hash;
  private counter = 0;
  private readonly ephemeral: KeyPair = Curve.generateKeyPair();
  private clientEphemeral?: Uint8Array;

  constructor(
    private readonly serverStatic: KeyPair,
    private readonly certificateChain: Uint8Array,
  ) {
    // NOISE_MODE is exactly 32 bytes, so the client uses it as the initial hash without hashing
    this.authenticate(NOISE_WA_HEADER);
  }

  /** Handles the client hello frame; returns the server hello frame body. */
  answerClientHello(frame: Uint8Array): Uint8Array {
    const { clientHello } = proto.HandshakeMessage.decode(frame);
    if (!clientHello?.ephemeral) throw new Error('expected a client hello with an ephemeral key');
    this.clientEphemeral = clientHello.ephemeral;
    this.authenticate(this.clientEphemeral);
    this.authenticate(this.ephemeral.public);
    this.mixIntoKey(Curve.sharedKey(this.ephemeral.private, this.clientEphemeral));
    const encryptedStatic = this.encrypt(this.serverStatic.public);
    this.mixIntoKey(Curve.sharedKey(this.serverStatic.private, this.clientEphemeral));
    const encryptedChain = this.encrypt(this.certificateChain);
    return proto.HandshakeMessage.encode({
      serverHello: { ephemeral: this.ephemeral.public, static: encryptedStatic, payload: encryptedChain },
    }).finish();
  }

  /** Handles the client finish frame: the client's static key and its login/registration payload. */
  acceptClientFinish(frame: Uint8Array): ClientFinishResult {
    const { clientFinish } = proto.HandshakeMessage.decode(frame);
    if (!clientFinish?.static || !clientFinish.payload) throw new Error('expected a client finish');
    const clientStaticPublic = this.decrypt(clientFinish.static);
    this.mixIntoKey(Curve.sharedKey(this.ephemeral.private, clientStaticPublic));
    const payload = proto.ClientPayload.decode(this.decrypt(clientFinish.payload));
    const [clientWrite, clientRead] = this.expand(EMPTY);
    return { clientStaticPublic, payload, transport: new NoiseTransport(clientRead, clientWrite) };
  }

  private authenticate(data: Uint8Array): void {
    this.hash = sha256(Buffer.concat([this.hash, data]));
  }

  private expand(data: Uint8Array): [Buffer, Buffer] {
    const key = Buffer.from(hkdf(Buffer.from(data), 64, { salt: this.salt, info: '' }));
    return [key.subarray(0, 32), key.subarray(32)];
  }

  private mixIntoKey(data: Uint8Array): void {
    const [write, read] = this.expand(data);
    this.salt = write;
    this.key = read;
    this.counter = 0;
  }

  private encrypt(plaintext: Uint8Array): Buffer {
    const result = aesEncryptGCM(plaintext, this.key, ivFor(this.counter++), this.hash);
    this.authenticate(result);
    return result;
  }

  private decrypt(ciphertext: Uint8Array): Buffer {
    const result = aesDecryptGCM(ciphertext, this.key, ivFor(this.counter++), this.hash);
    this.authenticate(ciphertext);
    return result;
  }
}
