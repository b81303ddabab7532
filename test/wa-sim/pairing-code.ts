import { randomBytes } from 'node:crypto';
import {
  aesDecryptCTR,
  aesDecryptGCM,
  aesEncryptCTR,
  Curve,
  derivePairingCodeKey,
  getBinaryNodeChild,
  getBinaryNodeChildBuffer,
  hkdf,
  type BinaryNode,
  type KeyPair,
} from '@whiskeysockets/baileys';
import type { Account } from './accounts.js';
import type { SimConnection } from './connection.js';

/**
 * Linking by pairing code (`sock.requestPairingCode(phone)`): the client wraps an ephemeral key
 * with the code; the phone, once the user types the code, unwraps it, answers with its own wrapped
 * ephemeral, and both derive the ADV secret that pair-success is authenticated with.
 */
export class CodePairing {
  readonly ref = randomBytes(16).toString('hex');
  /** settles when the device is linked, or when the code turns out wrong */
  readonly outcome: Promise<void>;
  settle!: { linked(): void; failed(error: Error): void };
  private companionEphemeral?: Buffer;
  private readonly primaryEphemeral: KeyPair = Curve.generateKeyPair();

  constructor(
    readonly connection: SimConnection,
    /** the phone number the client asked to link with (digits) */
    readonly phone: string,
    private readonly wrappedCompanionEphemeral: Buffer,
  ) {
    this.outcome = new Promise((resolve, reject) => {
      this.settle = { linked: resolve, failed: reject };
    });
    this.outcome.catch(() => undefined); // nobody may be waiting yet
  }

  /** Reads `<link_code_companion_reg stage=companion_hello>` from the client's iq. */
  static fromCompanionHello(connection: SimConnection, registration: BinaryNode): CodePairing {
    const wrapped = getBinaryNodeChildBuffer(registration, 'link_code_pairing_wrapped_companion_ephemeral_pub');
    const jid = registration.attrs.jid ?? '';
    if (!wrapped || wrapped.length !== 80) throw new Error('companion_hello without a wrapped ephemeral key');
    return new CodePairing(connection, jid.split('@')[0] ?? '', Buffer.from(wrapped));
  }

  /** The phone's user typed `code`: the primary_hello notification to send to the client. */
  async primaryHello(code: string, account: Account): Promise<BinaryNode> {
    const salt = this.wrappedCompanionEphemeral.subarray(0, 32);
    const iv = this.wrappedCompanionEphemeral.subarray(32, 48);
    const key = await derivePairingCodeKey(code, salt);
    // a wrong code yields a wrong key here; nobody can tell until companion_finish fails to decrypt
    this.companionEphemeral = aesDecryptCTR(this.wrappedCompanionEphemeral.subarray(48, 80), key, iv);
    const ourSalt = randomBytes(32);
    const ourIv = randomBytes(16);
    const ourKey = await derivePairingCodeKey(code, ourSalt);
    const wrappedPrimary = Buffer.concat([ourSalt, ourIv, aesEncryptCTR(this.primaryEphemeral.public, ourKey, ourIv)]);
    const child = (tag: string, content: Uint8Array): BinaryNode => ({ tag, attrs: {}, content });
    return {
      tag: 'notification',
      attrs: {
        from: 's.whatsapp.net',
        type: 'link_code_companion_reg',
        id: this.connection.newStanzaId(),
        t: `${Math.floor(Date.now() / 1000)}`,
      },
      content: [
        {
          tag: 'link_code_companion_reg',
          attrs: { stage: 'primary_hello' },
          content: [
            child('link_code_pairing_wrapped_primary_ephemeral_pub', wrappedPrimary),
            child('primary_identity_pub', account.identity.public),
            child('link_code_pairing_ref', Buffer.from(this.ref)),
          ],
        },
      ],
    };
  }

  /**
   * Checks `<link_code_companion_reg stage=companion_finish>` and returns the ADV secret.
   * Throws when the key bundle does not decrypt: the code the user typed was wrong.
   */
  advSecretFromCompanionFinish(registration: BinaryNode, account: Account, registeredIdentity: Buffer): Buffer {
    const bundle = getBinaryNodeChildBuffer(registration, 'link_code_pairing_wrapped_key_bundle');
    const companionIdentity = getBinaryNodeChildBuffer(registration, 'companion_identity_public');
    if (!bundle || !companionIdentity || !this.companionEphemeral) throw new Error('unexpected companion_finish');
    const shared = Curve.sharedKey(this.primaryEphemeral.private, this.companionEphemeral);
    const bundleKey = hkdf(shared, 32, {
      salt: Buffer.from(bundle.subarray(0, 32)),
      info: 'link_code_pairing_key_bundle_encryption_key',
    });
    let plaintext: Buffer;
    try {
      plaintext = aesDecryptGCM(bundle.subarray(44), bundleKey, bundle.subarray(32, 44), Buffer.alloc(0));
    } catch {
      throw new Error('wrong pairing code: the key bundle does not decrypt');
    }
    const identities = plaintext.subarray(0, 64);
    const expected = Buffer.concat([registeredIdentity, account.identity.public]);
    if (!identities.equals(expected) || !registeredIdentity.equals(Buffer.from(companionIdentity))) {
      throw new Error('the key bundle names other identity keys');
    }
    const identityShared = Curve.sharedKey(account.identity.private, registeredIdentity);
    const random = plaintext.subarray(64, 96);
    return Buffer.from(hkdf(Buffer.concat([shared, identityShared, random]), 32, { info: 'adv_secret' }));
  }
}

export const isLinkCodeStage = (iq: BinaryNode, stage: string): BinaryNode | undefined => {
  const registration = getBinaryNodeChild(iq, 'link_code_companion_reg');
  return registration?.attrs.stage === stage ? registration : undefined;
};
