// Keys derived from SECRETS_KEY and the hashing of bearer credentials. API keys and tokens are
// high-entropy random strings, so a keyed hash (HMAC-SHA256 with a server pepper) is the right
// storage: a leaked table cannot be brute-forced without the pepper, and lookups stay indexable.
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/** A 32-byte key for one purpose, so rotating or leaking one use never exposes another. */
export function deriveKey(secretsKey: string, purpose: 'api-key-pepper' | 'secret-encryption'): Buffer {
  return Buffer.from(hkdfSync('sha256', secretsKey, 'drin', purpose, 32));
}

export function hmacHex(key: Buffer, value: string): string {
  return createHmac('sha256', key).update(value).digest('hex');
}

/** Constant-time comparison of two strings of any length. */
export function constantTimeEqual(a: string, b: string): boolean {
  // Comparing fixed-length digests hides the length of the secret as well as its content.
  const da = createHmac('sha256', 'compare').update(a).digest();
  const db = createHmac('sha256', 'compare').update(b).digest();
  return timingSafeEqual(da, db);
}

/** A new bearer credential: a readable prefix and 32 random bytes (256 bits). */
export function generateCredential(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

export function lastFour(credential: string): string {
  return credential.slice(-4);
}
