// A store's channel secret: the Standard Webhooks key (whsec_<base64>) that signs what n8n posts
// to us and what we post to n8n. It must be read back to sign, so it is sealed (AES-256-GCM under
// SECRETS_KEY, src/security/secret-box.ts), never hashed.
//
// settings has one bytea column for it and no key-version column, so the sealed value carries
// its key version in front: version (uint16, big-endian) ‖ nonce ‖ ciphertext ‖ tag. The AAD
// names the store, so a value copied onto another store's row does not open.
import { randomBytes } from 'node:crypto';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { AppError, ErrorCode } from '../kernel/index.js';
import { decrypt, encrypt, type Keyring } from '../security/secret-box.js';
import { lastFour } from '../security/secrets.js';

const aad = (storeId: string) => `settings.channels_secret\u0000${storeId}`;

/** A fresh secret: 32 random bytes, in the whsec_ form n8n's Standard Webhooks nodes take. */
export function newChannelSecret(): { secret: string; last4: string } {
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  return { secret, last4: lastFour(secret) };
}

export function sealChannelSecret(keyring: Keyring, storeId: string, secret: string): Uint8Array<ArrayBuffer> {
  const sealed = encrypt(keyring, secret, aad(storeId));
  const version = Buffer.alloc(2);
  version.writeUInt16BE(sealed.keyVersion);
  return new Uint8Array(Buffer.concat([version, sealed.data]));
}

/** The version of the key a stored secret was sealed under (its first two bytes). */
export function sealedKeyVersion(stored: Uint8Array): number {
  if (stored.length < 2) throw new AppError(ErrorCode.INTERNAL, 'sealed channel secret is truncated');
  return Buffer.from(stored).readUInt16BE(0);
}

export function openChannelSecret(keyring: Keyring, storeId: string, stored: Uint8Array): string {
  const keyVersion = sealedKeyVersion(stored);
  return decrypt(keyring, { keyVersion, data: Buffer.from(stored).subarray(2) }, aad(storeId)).toString('utf8');
}

/** The three Standard Webhooks headers of a body we send. */
export function signedHeaders(secret: string, webhookId: string, body: string, at = new Date()): Record<string, string> {
  return {
    'webhook-id': webhookId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(webhookId, at, body),
  };
}

/**
 * True when the headers sign `body` with `secret` and the timestamp is within five minutes
 * (the library's tolerance, both ways). Any other failure of the library is a bug, rethrown.
 */
export function isSignedBy(secret: string, body: string, headers: Record<string, string | undefined>): boolean {
  const given = { 'webhook-id': headers['webhook-id'] ?? '', 'webhook-timestamp': headers['webhook-timestamp'] ?? '', 'webhook-signature': headers['webhook-signature'] ?? '' };
  try {
    new Webhook(secret).verify(body, given, { jsonParse: false });
    return true;
  } catch (err) {
    if (err instanceof WebhookVerificationError) return false;
    throw err;
  }
}
