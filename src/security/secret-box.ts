// Authenticated encryption of secrets at rest (AES-256-GCM), under keys derived from SECRETS_KEY.
//
// A sealed value is nonce (12 bytes) || ciphertext || tag (16 bytes), stored beside the version of
// the key that sealed it. The version is what makes SECRETS_KEY rotatable: the keyring holds the
// current key and the previous ones by version, so rows sealed under an older key still open while
// a re-encryption pass (scripts/rotate-secrets.ts) moves them to the current one.
//
// The additional authenticated data (AAD) names the row a value belongs to. GCM refuses to open a
// value under any other AAD, so a row copied onto another store, slot or key id is an error rather
// than a working identity somewhere else. The key version is bound too.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AppError, ErrorCode } from '../kernel/index.js';
import { deriveKey } from './secrets.js';

/** Key versions are stored as smallint; 0 is reserved for rows written before encryption. */
export const MAX_KEY_VERSION = 32767;
export const PLAINTEXT_KEY_VERSION = 0;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export interface Keyring {
  readonly currentVersion: number;
  /** AES-256 keys by version (already derived: never the raw SECRETS_KEY). */
  readonly keys: ReadonlyMap<number, Buffer>;
}

export interface VersionedSecret {
  version: number;
  secret: string;
}

export interface Sealed {
  keyVersion: number;
  data: Buffer;
}

/** Builds the keyring from SECRETS_KEY (current) and SECRETS_KEY_PREVIOUS, deriving each AES key once. */
export function createKeyring(current: VersionedSecret, previous: readonly VersionedSecret[] = []): Keyring {
  const keys = new Map<number, Buffer>();
  for (const { version, secret } of [current, ...previous]) {
    if (!Number.isInteger(version) || version < 1 || version > MAX_KEY_VERSION) throw new RangeError(`key version ${version} is not in 1..${MAX_KEY_VERSION}`);
    if (keys.has(version)) throw new RangeError(`key version ${version} is given twice`);
    keys.set(version, deriveKey(secret, 'secret-encryption'));
  }
  return { currentVersion: current.version, keys };
}

/** Seals `plaintext` under the current key, bound to `aad`. A fresh random nonce every time. */
export function encrypt(keyring: Keyring, plaintext: Buffer | string, aad: string): Sealed {
  const key = keyring.keys.get(keyring.currentVersion);
  if (!key) throw new RangeError(`the keyring has no key for its current version ${keyring.currentVersion}`);
  const nonce = nextNonce();
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(aadBytes(keyring.currentVersion, aad));
  const body = cipher.update(typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext);
  const final = cipher.final();
  return { keyVersion: keyring.currentVersion, data: Buffer.concat([nonce, body, final, cipher.getAuthTag()]) };
}

/**
 * Opens a sealed value; throws an AppError (INTERNAL) when the key version is unknown or the value
 * does not authenticate (wrong key, tampered bytes, or a value that belongs to another row).
 * Version 0 is a row written before encryption: returned as it is (the rotation script seals it).
 */
export function decrypt(keyring: Keyring, sealed: Sealed, aad: string): Buffer {
  if (sealed.keyVersion === PLAINTEXT_KEY_VERSION) return sealed.data;
  const key = keyring.keys.get(sealed.keyVersion);
  if (!key) {
    throw new AppError(ErrorCode.INTERNAL, `secret sealed under key version ${sealed.keyVersion}, which is not configured (SECRETS_KEY_VERSION / SECRETS_KEY_PREVIOUS)`);
  }
  const { data } = sealed;
  if (data.length < NONCE_BYTES + TAG_BYTES) throw new AppError(ErrorCode.INTERNAL, 'sealed secret is truncated');
  const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, NONCE_BYTES));
  decipher.setAAD(aadBytes(sealed.keyVersion, aad));
  decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(data.subarray(NONCE_BYTES, data.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw new AppError(
      ErrorCode.INTERNAL,
      `secret does not decrypt under key version ${sealed.keyVersion}: wrong SECRETS_KEY for that version, or the value was altered or moved`,
    );
  }
}

/** True when `sealed` is not under the current key (the rotation script's test). */
export function needsReencryption(keyring: Keyring, sealed: Pick<Sealed, 'keyVersion'>): boolean {
  return sealed.keyVersion !== keyring.currentVersion;
}

// Random 96-bit nonces, drawn from a pool of CSPRNG bytes: one randomBytes call per 256 nonces
// instead of one per seal (measured ~3–8 µs each, a third of a seal; an 812-prekey upload seals
// 812 values). Each pool byte is handed out once.
const NONCES_PER_REFILL = 256;
let noncePool = Buffer.alloc(0);
let nonceOffset = 0;

function nextNonce(): Buffer {
  if (nonceOffset + NONCE_BYTES > noncePool.length) {
    noncePool = randomBytes(NONCE_BYTES * NONCES_PER_REFILL);
    nonceOffset = 0;
  }
  const nonce = noncePool.subarray(nonceOffset, nonceOffset + NONCE_BYTES);
  nonceOffset += NONCE_BYTES;
  return nonce;
}

function aadBytes(version: number, aad: string): Buffer {
  return Buffer.from(`drin:v${version}\u0000${aad}`, 'utf8');
}

/**
 * A sealed value as one byte string for a bytea column with no key-version column beside it:
 * version (uint16, big-endian) ‖ nonce ‖ ciphertext ‖ tag.
 */
export function sealToBytes(keyring: Keyring, plaintext: string, aad: string): Uint8Array<ArrayBuffer> {
  const sealed = encrypt(keyring, plaintext, aad);
  const version = Buffer.alloc(2);
  version.writeUInt16BE(sealed.keyVersion);
  return new Uint8Array(Buffer.concat([version, sealed.data]));
}

/** The key version of a value sealToBytes made (its first two bytes). */
export function bytesKeyVersion(stored: Uint8Array): number {
  if (stored.length < 2) throw new AppError(ErrorCode.INTERNAL, 'sealed secret is truncated');
  return Buffer.from(stored).readUInt16BE(0);
}

/** Opens what sealToBytes made, under the same `aad`. */
export function openBytes(keyring: Keyring, stored: Uint8Array, aad: string): string {
  return decrypt(keyring, { keyVersion: bytesKeyVersion(stored), data: Buffer.from(stored).subarray(2) }, aad).toString('utf8');
}
