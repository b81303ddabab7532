import { describe, expect, it } from '@jest/globals';
import { createKeyring, decrypt, encrypt, needsReencryption } from './secret-box.js';

const oldKey = 'old_secrets_key_0123456789abcdef0123456789';
const newKey = 'new_secrets_key_0123456789abcdef0123456789';

describe('secret-box', () => {
  it('round-trips, with a fresh nonce on every seal', () => {
    const keyring = createKeyring({ version: 1, secret: oldKey });
    const a = encrypt(keyring, 'the noiseKey', 'row-1');
    const b = encrypt(keyring, 'the noiseKey', 'row-1');
    expect(a.keyVersion).toBe(1);
    expect(a.data.equals(b.data)).toBe(false);
    expect(a.data.includes(Buffer.from('noiseKey'))).toBe(false);
    expect(a.data).toHaveLength(12 + 'the noiseKey'.length + 16);
    expect(decrypt(keyring, a, 'row-1').toString()).toBe('the noiseKey');
  });

  it('refuses another row (AAD), a wrong key, a flipped bit and a truncated value', () => {
    const keyring = createKeyring({ version: 1, secret: oldKey });
    const sealed = encrypt(keyring, 'secret', 'row-1');
    expect(() => decrypt(keyring, sealed, 'row-2')).toThrow(/does not decrypt under key version 1/);
    expect(() => decrypt(createKeyring({ version: 1, secret: newKey }), sealed, 'row-1')).toThrow(/does not decrypt/);
    const flipped = Buffer.from(sealed.data);
    flipped[14]! ^= 1;
    expect(() => decrypt(keyring, { keyVersion: 1, data: flipped }, 'row-1')).toThrow(/does not decrypt/);
    expect(() => decrypt(keyring, { keyVersion: 1, data: sealed.data.subarray(0, 20) }, 'row-1')).toThrow(/truncated/);
  });

  it('binds the key version: a value relabelled with another version does not open', () => {
    const keyring = createKeyring({ version: 2, secret: newKey }, [{ version: 1, secret: newKey }]);
    const sealed = encrypt(keyring, 'secret', 'row');
    expect(() => decrypt(keyring, { keyVersion: 1, data: sealed.data }, 'row')).toThrow(/does not decrypt/);
  });

  it('opens values of previous versions, seals under the current one, and names an unknown version', () => {
    const before = createKeyring({ version: 1, secret: oldKey });
    const sealedOld = encrypt(before, 'secret', 'row');
    const during = createKeyring({ version: 2, secret: newKey }, [{ version: 1, secret: oldKey }]);
    expect(decrypt(during, sealedOld, 'row').toString()).toBe('secret');
    expect(needsReencryption(during, sealedOld)).toBe(true);
    const sealedNew = encrypt(during, 'secret', 'row');
    expect(sealedNew.keyVersion).toBe(2);
    expect(needsReencryption(during, sealedNew)).toBe(false);
    const after = createKeyring({ version: 2, secret: newKey });
    expect(() => decrypt(after, sealedOld, 'row')).toThrow(/key version 1, which is not configured/);
  });

  it('reads version 0 as plaintext written before encryption', () => {
    const keyring = createKeyring({ version: 1, secret: oldKey });
    expect(decrypt(keyring, { keyVersion: 0, data: Buffer.from('{"a":1}') }, 'row').toString()).toBe('{"a":1}');
    expect(needsReencryption(keyring, { keyVersion: 0 })).toBe(true);
  });

  it('never reuses a nonce across pool refills', () => {
    const keyring = createKeyring({ version: 1, secret: oldKey });
    const nonces = new Set(Array.from({ length: 1000 }, () => encrypt(keyring, 'x', 'row').data.subarray(0, 12).toString('hex')));
    expect(nonces.size).toBe(1000);
  });

  it('refuses bad keyrings', () => {
    expect(() => createKeyring({ version: 0, secret: oldKey })).toThrow(RangeError);
    expect(() => createKeyring({ version: 1, secret: oldKey }, [{ version: 1, secret: newKey }])).toThrow(/twice/);
  });
});
