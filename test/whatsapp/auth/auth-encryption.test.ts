// Auth rows at rest: ciphertext in the database, bound to their row, readable only with the right
// key; the rotation pass re-seals them while a store keeps writing.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BufferJSON, Curve } from '@whiskeysockets/baileys';
import { randomBytes } from 'node:crypto';
import { createKeyring } from '../../../src/security/secret-box.js';
import { loadPostgresAuthState, reencryptAuthRows, type AuthPool } from '../../../src/whatsapp/engine/auth/index.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';
import { keyring, makeStoreRow } from './auth-test-support.js';

let db: TestDatabase;
let storeId: string;
beforeAll(async () => {
  db = await createTestDatabase();
  storeId = await makeStoreRow(db.prisma);
});
afterAll(async () => {
  await db.destroy();
});

const otherKeyring = createKeyring({ version: 1, secret: 'another_secrets_key_0123456789abcdef0123' });

async function rawRows(slot: number) {
  const creds = await db.pool.query<{ key_version: number; data: Buffer }>('SELECT key_version, data FROM auth_creds WHERE store_id = $1 AND slot = $2', [storeId, slot]);
  const keys = await db.pool.query<{ type: string; key_id: string; key_version: number; value: Buffer }>(
    'SELECT type, key_id, key_version, value FROM auth_keys WHERE store_id = $1 AND slot = $2 ORDER BY type, key_id',
    [storeId, slot],
  );
  return { creds: creds.rows, keys: keys.rows };
}

describe('auth state encrypted at rest', () => {
  it('stores ciphertext only, different bytes on every write, and reads it back', async () => {
    const auth = await loadPostgresAuthState({ keyring, pool: db.pool, storeId, slot: 0, cache: false });
    const preKey = Curve.generateKeyPair();
    const session = randomBytes(200);
    await auth.saveCreds();
    await auth.state.keys.set({ 'pre-key': { '1': preKey }, session: { 'lid.0': session }, 'lid-mapping': { '5511999990000': '123456789012345' } });
    const first = await rawRows(0);
    await auth.saveCreds();
    await auth.state.keys.set({ session: { 'lid.0': session } });
    const second = await rawRows(0);

    const secrets = [
      Buffer.from(auth.state.creds.noiseKey.private),
      Buffer.from(auth.state.creds.signedIdentityKey.private),
      Buffer.from(preKey.private),
      session,
    ];
    for (const bytes of [...first.creds.map((r) => r.data), ...first.keys.map((r) => r.value)]) {
      const asText = bytes.toString('latin1');
      for (const word of ['noiseKey', 'private', 'Buffer', 'signedIdentityKey', '5511999990000', '123456789012345']) expect(asText).not.toContain(word);
      for (const secret of secrets) {
        expect(bytes.includes(secret.subarray(0, 16))).toBe(false);
        expect(asText).not.toContain(secret.toString('base64').slice(0, 20));
      }
    }
    expect([...first.creds, ...first.keys].every((r) => r.key_version === 1)).toBe(true);
    expect(second.creds[0]!.data.equals(first.creds[0]!.data)).toBe(false);
    const sessionRow = (rows: typeof first.keys) => rows.find((r) => r.type === 'session')!.value;
    expect(sessionRow(second.keys).equals(sessionRow(first.keys))).toBe(false);

    const again = await loadPostgresAuthState({ keyring, pool: db.pool, storeId, slot: 0, cache: false });
    expect(Buffer.from(again.state.creds.noiseKey.private)).toEqual(Buffer.from(auth.state.creds.noiseKey.private));
    expect(await again.state.keys.get('session', ['lid.0'])).toEqual({ 'lid.0': session });
    const { '1': readPreKey } = await again.state.keys.get('pre-key', ['1']);
    expect(Buffer.from(readPreKey!.private)).toEqual(Buffer.from(preKey.private));
  });

  it('refuses to open rows with the wrong key: an error, never "no creds"', async () => {
    const auth = await loadPostgresAuthState({ keyring, pool: db.pool, storeId, slot: 1 });
    await auth.saveCreds();
    await auth.state.keys.set({ session: { s: randomBytes(50) } });
    await expect(loadPostgresAuthState({ keyring: otherKeyring, pool: db.pool, storeId, slot: 1 })).rejects.toMatchObject({
      code: 'INTERNAL',
      message: expect.stringMatching(/does not decrypt under key version 1/),
    });
    // Keys too (the creds row moved aside so the load itself succeeds).
    await db.pool.query('DELETE FROM auth_creds WHERE store_id = $1 AND slot = 1', [storeId]);
    const wrong = await loadPostgresAuthState({ keyring: otherKeyring, pool: db.pool, storeId, slot: 1, cache: false });
    await expect(wrong.state.keys.get('session', ['s'])).rejects.toMatchObject({ code: 'INTERNAL' });
  });

  it('binds each row to its identity: a row copied to another key id or slot does not open', async () => {
    const auth = await loadPostgresAuthState({ keyring, pool: db.pool, storeId, slot: 2, cache: false });
    await auth.saveCreds();
    await auth.state.keys.set({ session: { victim: randomBytes(50) } });
    await db.pool.query(
      `INSERT INTO auth_keys (store_id, slot, type, key_id, key_version, value, updated_at)
       SELECT store_id, slot, type, 'attacker', key_version, value, now() FROM auth_keys WHERE store_id = $1 AND slot = 2 AND key_id = 'victim'`,
      [storeId],
    );
    await db.pool.query(
      `INSERT INTO auth_keys (store_id, slot, type, key_id, key_version, value, updated_at)
       SELECT store_id, slot, 'sender-key', key_id, key_version, value, now() FROM auth_keys WHERE store_id = $1 AND slot = 2 AND key_id = 'victim'`,
      [storeId],
    );
    await expect(auth.state.keys.get('session', ['attacker'])).rejects.toMatchObject({ code: 'INTERNAL' });
    await expect(auth.state.keys.get('sender-key', ['victim'])).rejects.toMatchObject({ code: 'INTERNAL' });
    expect(Object.keys(await auth.state.keys.get('session', ['victim']))).toEqual(['victim']);

    await db.pool.query(
      `INSERT INTO auth_creds (store_id, slot, key_version, data, updated_at) SELECT store_id, 3, key_version, data, now() FROM auth_creds WHERE store_id = $1 AND slot = 2`,
      [storeId],
    );
    await expect(loadPostgresAuthState({ keyring, pool: db.pool, storeId, slot: 3 })).rejects.toMatchObject({ code: 'INTERNAL' });
  });
});

describe('rotation (reencryptAuthRows)', () => {
  const v1 = keyring;
  const v2 = createKeyring({ version: 2, secret: 'rotated_secrets_key_0123456789abcdef0123' }, [{ version: 1, secret: 'auth_test_secrets_key_0123456789abcdef' }]);
  const v2only = createKeyring({ version: 2, secret: 'rotated_secrets_key_0123456789abcdef0123' });
  // The pass covers the whole database: start from none of the rows the tests above left.
  beforeAll(async () => {
    await db.pool.query('DELETE FROM auth_keys; DELETE FROM auth_creds');
  });

  it('re-seals old-key and plaintext rows in batches, reads old rows meanwhile, keeps concurrent writes, and is idempotent', async () => {
    const slot = 10;
    const old = await loadPostgresAuthState({ keyring: v1, pool: db.pool, storeId, slot });
    await old.saveCreds();
    const values = Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`k${i}`, randomBytes(40)]));
    await old.state.keys.set({ session: values });
    // A row from before encryption (what the migration leaves): plaintext under version 0.
    await db.pool.query(
      `INSERT INTO auth_keys (store_id, slot, type, key_id, key_version, value, updated_at) VALUES ($1, $2, 'lid-mapping', 'pn', 0, convert_to($3, 'UTF8'), now())`,
      [storeId, slot, JSON.stringify('lid', BufferJSON.replacer)],
    );

    // The daemon restarted on the new configuration: it reads version-1 rows and writes version 2.
    const during = await loadPostgresAuthState({ keyring: v2, pool: db.pool, storeId, slot, cache: false });
    expect(Buffer.from(during.state.creds.noiseKey.private)).toEqual(Buffer.from(old.state.creds.noiseKey.private));
    expect(await during.state.keys.get('session', ['k0'])).toEqual({ k0: values.k0 });
    expect(await during.state.keys.get('lid-mapping', ['pn'])).toEqual({ pn: 'lid' });

    // While the pass runs, the daemon rewrites k1, a row of the first batch (lid-mapping pn,
    // session k0, k1), between the pass's read of it and its rewrite.
    const rewritten = randomBytes(40);
    let interfered = false;
    const racingPool: AuthPool = {
      query: (async (text: string, params: unknown[]) => {
        if (!interfered && typeof text === 'string' && text.includes('UPDATE auth_keys')) {
          interfered = true;
          await during.state.keys.set({ session: { k1: rewritten } });
        }
        return db.pool.query(text, params);
      }) as unknown as AuthPool['query'],
    };
    const report = await reencryptAuthRows(racingPool, v2, { batchSize: 3 });
    expect(report).toMatchObject({ failed: [], remaining: 0 });
    expect(report).toMatchObject({ creds: 1, keys: 7, changedMeanwhile: 1 });

    const rows = await rawRows(slot);
    expect([...rows.creds, ...rows.keys].map((r) => r.key_version)).toEqual(Array(9).fill(2));
    const after = await loadPostgresAuthState({ keyring: v2only, pool: db.pool, storeId, slot, cache: false });
    expect(Buffer.from(after.state.creds.noiseKey.private)).toEqual(Buffer.from(old.state.creds.noiseKey.private));
    expect(await after.state.keys.get('session', ['k0', 'k1', 'k6'])).toEqual({ k0: values.k0, k1: rewritten, k6: values.k6 });
    expect(await after.state.keys.get('lid-mapping', ['pn'])).toEqual({ pn: 'lid' });

    expect(await reencryptAuthRows(db.pool, v2)).toEqual({ creds: 0, keys: 0, changedMeanwhile: 0, failed: [], remaining: 0 });
  });

  it('names rows it cannot open and leaves them', async () => {
    const slot = 11;
    const stranger = createKeyring({ version: 1, secret: 'unknown_secrets_key_0123456789abcdef0123' });
    const auth = await loadPostgresAuthState({ keyring: stranger, pool: db.pool, storeId, slot });
    await auth.state.keys.set({ session: { lost: randomBytes(10) } });
    const report = await reencryptAuthRows(db.pool, v2);
    expect(report.failed).toEqual([expect.objectContaining({ table: 'auth_keys', storeId, slot, type: 'session', keyId: 'lost', keyVersion: 1 })]);
    expect(report.remaining).toBe(1);
    await db.pool.query('DELETE FROM auth_keys WHERE store_id = $1 AND slot = $2', [storeId, slot]);
  });
});
