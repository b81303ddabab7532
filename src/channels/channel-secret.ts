// A store's channel secret: the Standard Webhooks key (whsec_<base64>) that signs what n8n posts
// to us and what we post to n8n. It must be read back to sign, so it is sealed (AES-256-GCM under
// SECRETS_KEY, src/security/secret-box.ts), never hashed.
//
// settings has one bytea column for it and no key-version column, so the sealed value carries
// its key version in front: version (uint16, big-endian) ‖ nonce ‖ ciphertext ‖ tag. The AAD
// names the store, so a value copied onto another store's row does not open.
import { bytesKeyVersion, openBytes, sealToBytes, type Keyring } from '../security/secret-box.js';
import { newSigningSecret } from '../egress/index.js';

const aad = (storeId: string) => `settings.channels_secret\u0000${storeId}`;

/** A fresh secret, in the whsec_ form n8n's Standard Webhooks nodes take. */
export const newChannelSecret = newSigningSecret;

export function sealChannelSecret(keyring: Keyring, storeId: string, secret: string): Uint8Array<ArrayBuffer> {
  return sealToBytes(keyring, secret, aad(storeId));
}

/** The version of the key a stored secret was sealed under (its first two bytes). */
export const sealedKeyVersion = bytesKeyVersion;

export function openChannelSecret(keyring: Keyring, storeId: string, stored: Uint8Array): string {
  return openBytes(keyring, stored, aad(storeId));
}
