// Creds: round trip, fresh vs existing, read failures, ordering and flushing of creds writes.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BufferJSON, initAuthCreds } from '@whiskeysockets/baileys';
import pg from 'pg';
import { loadPostgresAuthState } from '../../../src/whatsapp/engine/auth/index.js';
import { credsAad, openText, sealText } from '../../../src/whatsapp/engine/auth/auth-sealing.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';
import { failingPool, keyring, makeStoreRow, observePool } from './auth-test-support.js';

let db: TestDatabase;
let storeId: string;
beforeAll(async () => {
  db = await createTestDatabase();
  storeId = await makeStoreRow(db.prisma);
});
afterAll(async () => {
  await db.destroy();
});

async function storedCreds(slot: number) {
  const row = await db.prisma.authCreds.findUnique({ where: { storeId_slot: { storeId, slot } } });
  return row && JSON.parse(openText(keyring, { keyVersion: row.keyVersion, data: Buffer.from(row.data) }, credsAad(storeId, slot)), BufferJSON.reviver);
}

/** A creds row as the store would seal it. */
function sealedCreds(slot: number, text: string) {
  const sealed = sealText(keyring, text, credsAad(storeId, slot));
  return { storeId, slot, keyVersion: sealed.keyVersion, data: new Uint8Array(sealed.data) };
}

describe('PostgresAuthStore creds', () => {
  it('round-trips creds with their Buffers intact', async () => {
    const first = await loadPostgresAuthState({ keyring, pool: db.pool, storeId, slot: 0 });
    first.state.creds.me = { id: '5511999990000:1@s.whatsapp.net', lid: '123456789:1@lid', name: '~' };
    first.state.creds.routingInfo = Buffer.from([1, 2, 3, 255]);
    await first.saveCreds();

    const again = await loadPostgresAuthState({ keyring, pool: db.pool, storeId, slot: 0 });
    const creds = again.state.creds;
    expect(Buffer.isBuffer(creds.noiseKey.private)).toBe(true);
    expect(Buffer.from(creds.noiseKey.private)).toEqual(Buffer.from(first.state.creds.noiseKey.private));
    expect(Buffer.from(creds.signedPreKey.signature)).toEqual(Buffer.from(first.state.creds.signedPreKey.signature));
    expect(creds.routingInfo).toEqual(Buffer.from([1, 2, 3, 255]));
    expect(creds.me).toEqual(first.state.creds.me);
    expect(creds.registrationId).toBe(first.state.creds.registrationId);
  });

  it('starts fresh creds when the slot has none, without writing them until saveCreds', async () => {
    const auth = await loadPostgresAuthState({ keyring, pool: db.pool, storeId, slot: 1 });
    expect(auth.state.creds.registered).toBe(false);
    expect(auth.state.creds.noiseKey.public).toHaveLength(32);
    expect(await storedCreds(1)).toBeNull();
  });

  it('never replaces creds that exist: loading reads them and writes nothing', async () => {
    const existing = { ...initAuthCreds(), registered: true };
    await db.prisma.authCreds.create({ data: sealedCreds(2, JSON.stringify(existing, BufferJSON.replacer)) });
    const observed = observePool(db.pool);
    const auth = await loadPostgresAuthState({ keyring, pool: observed, storeId, slot: 2 });
    expect(Buffer.from(auth.state.creds.noiseKey.private)).toEqual(Buffer.from(existing.noiseKey.private));
    expect(auth.state.creds.registered).toBe(true);
    expect(observed.queries).toEqual(['drin_auth_select_creds']);
  });

  it('throws instead of returning fresh creds when the read fails', async () => {
    await expect(loadPostgresAuthState({ keyring, pool: failingPool, storeId, slot: 0 })).rejects.toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      message: 'auth creds could not be read',
    });
    const ended = new pg.Pool({ connectionString: db.url, max: 1 });
    await ended.end();
    await expect(loadPostgresAuthState({ keyring, pool: ended, storeId, slot: 0 })).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    const wrongDatabase = new pg.Pool({ connectionString: `${db.url}_missing`, max: 1 });
    await expect(loadPostgresAuthState({ keyring, pool: wrongDatabase, storeId, slot: 0 })).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    await wrongDatabase.end();
  });

  it('throws on a corrupt creds row without quoting it', async () => {
    await db.prisma.authCreds.create({ data: sealedCreds(3, '{"noiseKey": SECRET') });
    const failure = loadPostgresAuthState({ keyring, pool: db.pool, storeId, slot: 3 });
    await expect(failure).rejects.toMatchObject({ code: 'INTERNAL' });
    await expect(failure).rejects.not.toHaveProperty('cause');
  });

  it('lands creds writes in call order and coalesces the ones queued together', async () => {
    const observed = observePool(db.pool);
    const auth = await loadPostgresAuthState({ keyring, pool: observed, storeId, slot: 4 });
    // The first write is slow: without per-slot ordering it would land after the second.
    observed.interfere('drin_auth_upsert_creds', { delayMs: 100 });
    auth.state.creds.lastPropHash = 'first';
    const first = auth.saveCreds();
    await new Promise((resolve) => setImmediate(resolve)); // let it start (and stall)
    auth.state.creds.lastPropHash = 'second';
    const queued = [auth.saveCreds(), auth.saveCreds(), auth.saveCreds()];
    auth.state.creds.lastPropHash = 'third'; // before the queued write runs: it must carry this
    await Promise.all([first, ...queued]);
    expect((await storedCreds(4)).lastPropHash).toBe('third');
    expect(observed.queries.filter((q) => q === 'drin_auth_upsert_creds')).toHaveLength(2);
  });

  it('flush waits for pending writes and retries a creds write that failed', async () => {
    const observed = observePool(db.pool);
    const auth = await loadPostgresAuthState({ keyring, pool: observed, storeId, slot: 5 });
    observed.interfere('drin_auth_write_keys', { delayMs: 50 });
    const keyWrite = auth.state.keys.set({ 'lid-mapping': { '5511988887777': '99887766' } });
    observed.interfere('drin_auth_upsert_creds', { error: new Error('connection terminated') });
    auth.state.creds.lastPropHash = 'after-retry';
    const credsWrite = auth.saveCreds();
    await expect(credsWrite).rejects.toThrow('connection terminated');
    await auth.flush();
    await keyWrite;
    expect((await storedCreds(5)).lastPropHash).toBe('after-retry');
    expect(await db.prisma.authKey.count({ where: { storeId, slot: 5 } })).toBe(1);
  });

  it('flush throws when the creds still cannot be written', async () => {
    const observed = observePool(db.pool);
    const auth = await loadPostgresAuthState({ keyring, pool: observed, storeId, slot: 6 });
    observed.interfere('drin_auth_upsert_creds', { error: new Error('database is down'), times: 2 });
    await expect(auth.saveCreds()).rejects.toThrow('database is down');
    await expect(auth.flush()).rejects.toThrow('database is down');
    await auth.flush(); // third attempt reaches the database
    expect(await storedCreds(6)).not.toBeNull();
  });
});
