// How an auth row's text is sealed for its column: AES-256-GCM (src/security/secret-box.ts), with
// the row's identity as the additional authenticated data. A value only opens on the row it was
// written for: copied onto another store, slot, type or key id, it is an error, not an identity.
// Identities cannot be confused: Postgres text holds no NUL, so NUL separates the fields.
import { decrypt, encrypt, PLAINTEXT_KEY_VERSION, type Keyring, type Sealed } from '../../../security/secret-box.js';

export const credsAad = (storeId: string, slot: number) => `auth_creds\u0000${storeId}\u0000${slot}`;

export const keyAad = (storeId: string, slot: number, type: string, id: string) => `auth_keys\u0000${storeId}\u0000${slot}\u0000${type}\u0000${id}`;

export function sealText(keyring: Keyring, text: string, aad: string): Sealed {
  return encrypt(keyring, text, aad);
}

/** The row's text; throws an AppError when it does not open (never "absent"). */
export function openText(keyring: Keyring, sealed: Sealed, aad: string): string {
  return decrypt(keyring, sealed, aad).toString('utf8');
}

export const isPlaintextRow = (sealed: Sealed) => sealed.keyVersion === PLAINTEXT_KEY_VERSION;
