// Signal keys: every type round-trips, null deletes, a set is all-or-nothing, the cache serves
// repeated reads and follows writes, slots are isolated, wipe, and Baileys' transaction wrapper.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { addTransactionCapability, Curve, proto, type SignalDataSet } from '@whiskeysockets/baileys';
import { pino } from 'pino';
import { randomBytes } from 'node:crypto';
import { AuthKeyCache, loadPostgresAuthState } from '../../../src/whatsapp/engine/auth/index.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';
import { captureLogger, keyring, makeStoreRow, observePool } from './auth-test-support.js';

let db: TestDatabase;
let storeId: string;
let otherStoreId: string;
let nextSlot = 0;
beforeAll(async () => {
  db = await createTestDatabase();
  storeId = await makeStoreRow(db.prisma);
  otherStoreId = await makeStoreRow(db.prisma);
});
afterAll(async () => {
  await db.destroy();
});

/** A slot of its own for each test, on a pool that records statement names. */
async function openSlot(options: { cache?: AuthKeyCache | false; store?: string; slot?: number } = {}) {
  const pool = observePool(db.pool);
  const auth = await loadPostgresAuthState({ keyring, pool, storeId: options.store ?? storeId, slot: options.slot ?? nextSlot++, cache: options.cache });
  pool.queries.length = 0;
  return { auth, keys: auth.state.keys, pool };
}

async function rowCount(slot: number, store = storeId) {
  return db.prisma.authKey.count({ where: { storeId: store, slot } });
}

function everyType(): SignalDataSet {
  return {
    'pre-key': { '1': Curve.generateKeyPair() },
    session: { '5511999990000.0': randomBytes(2400) },
    'sender-key': { '120363@g.us::5511999990000::0': randomBytes(300) },
    'sender-key-memory': { '120363@g.us': { '5511999990000:0@s.whatsapp.net': true } },
    'app-state-sync-key': { AAAAAJxA: { keyData: randomBytes(32), fingerprint: { rawId: 7, currentIndex: 1, deviceIndexes: [0, 1] }, timestamp: 1700000000 } },
    'app-state-sync-version': { regular: { version: 3, hash: randomBytes(128), indexValueMap: { 'mac+1=': { valueMac: randomBytes(32) } } } },
    'lid-mapping': { '5511999990000': '123456789012345', '123456789012345_reverse': '5511999990000' },
    'device-list': { '5511999990000': ['0', '12'] },
    tctoken: { '5511999990000@s.whatsapp.net': { token: randomBytes(40), timestamp: '1700000000' } },
    'identity-key': { '123456789012345.0': randomBytes(33) },
  };
}

describe('PostgresAuthStore keys', () => {
  it('round-trips every key type with one query per get, and null deletes', async () => {
    const { keys, pool } = await openSlot({ cache: false });
    const data = everyType();
    await keys.set(data);
    for (const [type, entries] of Object.entries(data)) {
      const ids = [...Object.keys(entries!), 'missing-id'];
      const got = await keys.get(type as keyof SignalDataSet, ids);
      expect(Object.keys(got).sort()).toEqual(Object.keys(entries!).sort());
      if (type !== 'app-state-sync-key') expect(got).toEqual(entries);
    }
    expect(pool.queries.filter((q) => q === 'drin_auth_select_keys')).toHaveLength(Object.keys(data).length);

    await keys.set({ 'pre-key': { '1': null }, 'lid-mapping': { '5511999990000': null }, session: { 'never-existed': null } });
    expect(await keys.get('pre-key', ['1'])).toEqual({});
    expect(await keys.get('lid-mapping', ['5511999990000', '123456789012345_reverse'])).toEqual({ '123456789012345_reverse': '5511999990000' });
  });

  it('revives app-state-sync-key as the proto class, cached or not', async () => {
    for (const cache of [false, undefined] as const) {
      const { keys } = await openSlot({ cache });
      const keyData = randomBytes(32);
      await keys.set({ 'app-state-sync-key': { k1: { keyData, fingerprint: { rawId: 1, currentIndex: 0, deviceIndexes: [0] }, timestamp: 5 } } });
      for (let read = 0; read < 2; read++) {
        const { k1 } = await keys.get('app-state-sync-key', ['k1']);
        expect(k1).toBeInstanceOf(proto.Message.AppStateSyncKeyData);
        expect(Buffer.from(k1!.keyData!)).toEqual(keyData);
        expect(k1!.fingerprint).toBeInstanceOf(proto.Message.AppStateSyncKeyFingerprint);
      }
    }
  });

  it('takes an 812-prekey upload as one statement', async () => {
    const { keys, pool } = await openSlot();
    const preKeys = Object.fromEntries(Array.from({ length: 812 }, (_, i) => [String(i + 1), Curve.generateKeyPair()]));
    await keys.set({ 'pre-key': preKeys });
    expect(pool.queries).toEqual(['drin_auth_write_keys']);
    const got = await keys.get('pre-key', ['1', '406', '812']);
    expect(Buffer.from(got['812']!.private)).toEqual(Buffer.from(preKeys['812']!.private));
  });

  it('leaves nothing of a set that fails midway, and the cache unchanged', async () => {
    const slot = nextSlot;
    const { keys, pool } = await openSlot();
    await keys.set({ session: { a: Buffer.from('v1') }, 'pre-key': { '1': Curve.generateKeyPair() } });
    await db.pool.query(`
      CREATE OR REPLACE FUNCTION reject_poison_key() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.key_id = 'poison' THEN RAISE EXCEPTION 'poisoned key'; END IF; RETURN NEW; END $$;
      CREATE TRIGGER reject_poison_key BEFORE INSERT OR UPDATE ON auth_keys FOR EACH ROW EXECUTE FUNCTION reject_poison_key();`);
    try {
      expect(await keys.get('session', ['a', 'b'])).toEqual({ a: Buffer.from('v1') }); // cached, with b known absent
      // Rows are inserted in this order, so 'a' and 'b' are written and '1' deleted before 'poison' fails.
      const set = { session: { a: Buffer.from('v2'), b: Buffer.from('new') }, 'pre-key': { '1': null }, 'sender-key': { poison: Buffer.from('x') } };
      await expect(keys.set(set)).rejects.toThrow('poisoned key');
      // A NUL in a key id is refused by Postgres text: same outcome.
      await expect(keys.set({ session: { a: Buffer.from('v3'), 'bad\u0000id': Buffer.from('y') } })).rejects.toThrow(/0x00/);
    } finally {
      await db.pool.query('DROP TRIGGER reject_poison_key ON auth_keys; DROP FUNCTION reject_poison_key();');
    }
    const rows = await db.prisma.authKey.findMany({ where: { storeId, slot }, orderBy: { keyId: 'asc' } });
    expect(rows.map((r) => [r.type, r.keyId])).toEqual([['pre-key', '1'], ['session', 'a']]);
    pool.queries.length = 0;
    expect(await keys.get('session', ['a', 'b'])).toEqual({ a: Buffer.from('v1') });
    expect(pool.queries).toEqual([]); // still served by the unchanged cache
    expect(Object.keys(await keys.get('pre-key', ['1']))).toEqual(['1']);
  });

  it('writes nothing when a value cannot be serialized', async () => {
    const slot = nextSlot;
    const { keys, pool } = await openSlot();
    const unserializable = { 'lid-mapping': { ok: 'x' }, 'device-list': { bad: [1n] as unknown as string[] } };
    await expect(keys.set(unserializable)).rejects.toThrow(/BigInt/);
    expect(pool.queries).toEqual([]);
    expect(await rowCount(slot)).toBe(0);
  });

  it('stores a NUL inside a value (JSON escapes it)', async () => {
    const { keys } = await openSlot({ cache: false });
    await keys.set({ 'lid-mapping': { x: 'a\u0000b' } });
    expect(await keys.get('lid-mapping', ['x'])).toEqual({ x: 'a\u0000b' });
  });

  it('serves repeated gets from the cache, absent ids included, and follows sets and deletes', async () => {
    const { keys, pool } = await openSlot({ cache: new AuthKeyCache({ maxBytes: 1 << 20 }) });
    await keys.set({ session: { s1: Buffer.from('one') } });
    pool.queries.length = 0;
    expect(await keys.get('session', ['s1', 'nobody'])).toEqual({ s1: Buffer.from('one') });
    // s1 is cached by its write, so only 'nobody' is read (once).
    expect(pool.queries).toEqual(['drin_auth_select_keys']);
    pool.queries.length = 0;
    expect(await keys.get('session', ['s1', 'nobody'])).toEqual({ s1: Buffer.from('one') });
    expect(await keys.get('session', ['nobody'])).toEqual({});
    expect(pool.queries).toEqual([]);

    await keys.set({ session: { s1: Buffer.from('two'), nobody: Buffer.from('now') } });
    await keys.set({ session: { s1: null } });
    pool.queries.length = 0;
    expect(await keys.get('session', ['s1', 'nobody'])).toEqual({ nobody: Buffer.from('now') });
    expect(pool.queries).toEqual([]);
  });

  it('does not cache uploaded pre-keys (each is read at most once), but caches what a read found', async () => {
    const cache = new AuthKeyCache({ maxBytes: 1 << 20 });
    const { keys, pool } = await openSlot({ cache });
    const pair = Curve.generateKeyPair();
    await keys.set({ 'pre-key': Object.fromEntries(Array.from({ length: 20 }, (_, i) => [String(i + 1), Curve.generateKeyPair()])) });
    expect(cache.stats().entries).toBe(0);
    await keys.set({ 'pre-key': { '1': pair } });
    pool.queries.length = 0;
    expect(await keys.get('pre-key', ['1'])).toEqual({ '1': pair });
    expect(pool.queries).toEqual(['drin_auth_select_keys']);
    pool.queries.length = 0;
    expect(await keys.get('pre-key', ['1'])).toEqual({ '1': pair });
    expect(pool.queries).toEqual([]);
    // Used: deleted, and known absent from then on.
    await keys.set({ 'pre-key': { '1': null } });
    pool.queries.length = 0;
    expect(await keys.get('pre-key', ['1'])).toEqual({});
    expect(pool.queries).toEqual([]);
  });

  it('hands out a fresh object on every read, so a caller mutation never reaches the cache', async () => {
    const { keys } = await openSlot();
    await keys.set({ 'sender-key-memory': { g: { a: true } }, session: { s: Buffer.from('abc') } });
    for (let read = 0; read < 3; read++) {
      // The first read revives the cached text, later ones copy the revived value: both are fresh.
      const got = await keys.get('sender-key-memory', ['g']);
      expect(got).toEqual({ g: { a: true } });
      got.g!.b = true;
      const { s } = await keys.get('session', ['s']);
      expect(s).toEqual(Buffer.from('abc'));
      s![0] = 0;
    }
  });

  it('queries on every get without a cache, and keeps a shared cache within its bound', async () => {
    const { keys, pool } = await openSlot({ cache: false });
    await keys.set({ session: { s: randomBytes(100) } });
    await keys.get('session', ['s']);
    await keys.get('session', ['s']);
    expect(pool.queries.filter((q) => q === 'drin_auth_select_keys')).toHaveLength(2);

    const small = new AuthKeyCache({ maxBytes: 20_000 });
    const bounded = await openSlot({ cache: small });
    await bounded.keys.set({ session: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`s${i}`, randomBytes(1500)])) });
    expect(small.stats().bytes).toBeLessThanOrEqual(20_000);
    expect(Object.keys(await bounded.keys.get('session', ['s0', 's49']))).toEqual(['s0', 's49']);
  });

  it('throws when a read fails', async () => {
    const { keys, pool } = await openSlot();
    pool.interfere('drin_auth_select_keys', { error: new Error('connection terminated') });
    await expect(keys.get('session', ['x'])).rejects.toThrow('connection terminated');
  });

  it('isolates (store, slot) pairs, and wipe removes only its own slot', async () => {
    const cache = new AuthKeyCache();
    const slots = [
      await openSlot({ cache, store: storeId, slot: 100 }),
      await openSlot({ cache, store: storeId, slot: 101 }),
      await openSlot({ cache, store: otherStoreId, slot: 100 }),
    ];
    for (const [i, { auth, keys }] of slots.entries()) {
      await keys.set({ session: { same: Buffer.from(`value-${i}`) }, 'pre-key': { '1': Curve.generateKeyPair() } });
      await auth.saveCreds();
    }
    for (const [i, { keys }] of slots.entries()) expect(await keys.get('session', ['same'])).toEqual({ same: Buffer.from(`value-${i}`) });

    await slots[0]!.auth.wipe();
    expect(await rowCount(100)).toBe(0);
    expect(await db.prisma.authCreds.count({ where: { storeId, slot: 100 } })).toBe(0);
    expect(await rowCount(101)).toBe(2);
    expect(await rowCount(100, otherStoreId)).toBe(2);
    expect(await db.prisma.authCreds.count({ where: { OR: [{ storeId, slot: 101 }, { storeId: otherStoreId, slot: 100 }] } })).toBe(2);
    expect(await slots[0]!.keys.get('session', ['same'])).toEqual({});
    expect(await slots[1]!.keys.get('session', ['same'])).toEqual({ same: Buffer.from('value-1') });
    // A wiped (logged-out) state refuses writes, so a late event cannot resurrect it.
    await expect(slots[0]!.keys.set({ session: { same: Buffer.from('late') } })).rejects.toMatchObject({ code: 'CONFLICT' });
    await slots[0]!.auth.saveCreds();
    expect(await db.prisma.authCreds.count({ where: { storeId, slot: 100 } })).toBe(0);
  });

  it('works under Baileys addTransactionCapability: one set per transaction', async () => {
    const slot = nextSlot;
    const { keys: raw, pool } = await openSlot();
    await raw.set({ 'pre-key': { '31': Curve.generateKeyPair() } });
    const keys = addTransactionCapability(raw, pino({ level: 'silent' }), { maxCommitRetries: 2, delayBetweenTriesMs: 10 });
    pool.queries.length = 0;
    // What the first pkmsg from a new contact does: read, then session + pre-key delete in one commit.
    await keys.transaction(async () => {
      expect(Object.keys(await keys.get('pre-key', ['31']))).toEqual(['31']);
      expect(await keys.get('session', ['123456789012345.0'])).toEqual({});
      await keys.set({ session: { '123456789012345.0': Buffer.from('session') }, 'pre-key': { '31': null } });
      expect(await keys.get('session', ['123456789012345.0'])).toEqual({ '123456789012345.0': Buffer.from('session') });
      expect(await rowCount(slot)).toBe(1); // nothing committed yet
    }, 'contact-1');
    expect(pool.queries.filter((q) => q === 'drin_auth_write_keys')).toHaveLength(1);
    expect(await raw.get('pre-key', ['31'])).toEqual({});
    expect(await raw.get('session', ['123456789012345.0'])).toEqual({ '123456789012345.0': Buffer.from('session') });

    // A commit that fails once is retried by Baileys and lands whole.
    pool.interfere('drin_auth_write_keys', { error: new Error('connection terminated') });
    await keys.transaction(async () => {
      await keys.set({ 'lid-mapping': { pn: 'lid', lid_reverse: 'pn' }, 'identity-key': { 'lid.0': randomBytes(33) } });
    }, 'contact-2');
    expect(await rowCount(slot)).toBe(4);
  });

  it('logs writes and failures without key material', async () => {
    const { logger, output } = captureLogger();
    const pool = observePool(db.pool);
    const auth = await loadPostgresAuthState({ keyring, pool, storeId, slot: nextSlot++, logger });
    const secret = randomBytes(32);
    await auth.state.keys.set({ session: { s: secret } });
    pool.interfere('drin_auth_write_keys', { error: new Error('connection terminated') });
    await expect(auth.state.keys.set({ session: { s: secret } })).rejects.toThrow();
    await auth.saveCreds();
    const log = output();
    expect(log).toContain('auth key write failed');
    expect(log).toContain('"component":"auth-store"');
    for (const material of [secret, Buffer.from(auth.state.creds.noiseKey.private), Buffer.from(auth.state.creds.signedIdentityKey.private)]) {
      expect(log).not.toContain(material.toString('base64'));
      expect(log).not.toContain(material.toString('hex'));
    }
  });
});
