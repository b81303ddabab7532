// The LRU on its own, and the one race the store guards: a read that overlaps a write.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AuthKeyCache, loadPostgresAuthState } from '../../../src/whatsapp/engine/auth/index.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';
import { keyring, makeStoreRow, observePool } from './auth-test-support.js';

const OVERHEAD = 64; // ENTRY_OVERHEAD_BYTES
const entry = (key: string, value: string) => key.length + value.length + OVERHEAD;
const put = (cache: AuthKeyCache, key: string, value: string | null, scope?: string) => cache.set(key, value, value?.length ?? 0, scope);
const read = (cache: AuthKeyCache, key: string) => cache.get(key)?.value;

describe('AuthKeyCache', () => {
  it('evicts the least recently used entries past its byte budget', () => {
    const cache = new AuthKeyCache({ maxBytes: 3 * entry('k0', 'x'.repeat(100)) });
    for (const key of ['k0', 'k1', 'k2']) put(cache, key, 'x'.repeat(100));
    expect(cache.get('k0')).toBeDefined(); // k1 is now the least recently used
    put(cache, 'k3', 'x'.repeat(100));
    expect(cache.get('k1')).toBeUndefined();
    expect(['k0', 'k2', 'k3'].map((k) => read(cache, k))).toEqual(['x'.repeat(100), 'x'.repeat(100), 'x'.repeat(100)]);
    expect(cache.stats()).toMatchObject({ entries: 3, evictions: 1, bytes: 3 * entry('k0', 'x'.repeat(100)) });
  });

  it('keeps known-absent entries apart from unknown ones', () => {
    const cache = new AuthKeyCache();
    put(cache, 'absent', null);
    expect(read(cache, 'absent')).toBeNull();
    expect(cache.get('unknown')).toBeUndefined();
  });

  it('does not cache a value larger than maxEntryBytes, and drops the old one', () => {
    const cache = new AuthKeyCache({ maxBytes: 10_000, maxEntryBytes: 1_000 });
    put(cache, 'k', 'small');
    put(cache, 'k', 'x'.repeat(2_000));
    expect(cache.get('k')).toBeUndefined();
    expect(cache.stats().bytes).toBe(0);
  });

  it('accounts bytes on replace and delete, and drops a whole scope', () => {
    const cache = new AuthKeyCache();
    put(cache, 'a\u00001\u0000session\u0000x', 'v1', 'slot 1');
    put(cache, 'a\u00001\u0000session\u0000x', 'v22', 'slot 1');
    put(cache, 'a\u00001\u0000session\u0000y', 'w', 'slot 1');
    put(cache, 'a\u00002\u0000session\u0000x', 'v', 'slot 2');
    expect(cache.stats().bytes).toBe(entry('a\u00001\u0000session\u0000x', 'v22') + entry('a\u00001\u0000session\u0000y', 'w') + entry('a\u00002\u0000session\u0000x', 'v'));
    cache.deleteScope('slot 1');
    expect(cache.get('a\u00001\u0000session\u0000x')).toBeUndefined();
    expect(cache.get('a\u00001\u0000session\u0000y')).toBeUndefined();
    expect(read(cache, 'a\u00002\u0000session\u0000x')).toBe('v');
    cache.delete('a\u00002\u0000session\u0000x');
    expect(cache.stats()).toMatchObject({ entries: 0, bytes: 0 });
  });

  it('forgets evicted and deleted keys, so a scope dropped later touches only what is left', () => {
    const cache = new AuthKeyCache({ maxBytes: 2 * entry('k0', 'x'.repeat(100)) });
    put(cache, 'k0', 'x'.repeat(100), 'slot 1');
    put(cache, 'k1', 'x'.repeat(100), 'slot 1');
    put(cache, 'k2', 'x'.repeat(100), 'slot 2'); // evicts k0
    cache.delete('k1');
    put(cache, 'k0', 'y'.repeat(100), 'slot 2'); // k0 again, in the other scope (k1's room is free)
    cache.deleteScope('slot 1');
    expect([read(cache, 'k0'), read(cache, 'k2')]).toEqual(['y'.repeat(100), 'x'.repeat(100)]);
    cache.deleteScope('slot 2');
    expect(cache.stats()).toMatchObject({ entries: 0, bytes: 0 });
  });
});

describe('PostgresAuthStore cache coherence', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.destroy();
  });

  it('does not let a read that overlapped a write put the older value in the cache', async () => {
    const storeId = await makeStoreRow(db.prisma);
    const pool = observePool(db.pool);
    const auth = await loadPostgresAuthState({ keyring, pool, storeId, slot: 0, cache: new AuthKeyCache() });
    pool.interfere('drin_auth_select_keys', { delayMs: 100, answerLate: true });
    const slowRead = auth.state.keys.get('session', ['r']); // finds no row, answers late
    await new Promise((resolve) => setTimeout(resolve, 20));
    await auth.state.keys.set({ session: { r: Buffer.from('written') } });
    expect(await slowRead).toEqual({});
    pool.queries.length = 0;
    expect(await auth.state.keys.get('session', ['r'])).toEqual({ r: Buffer.from('written') });
    expect(pool.queries).toEqual([]);
  });

  it('close flushes, refuses writes and frees the slot cache', async () => {
    const storeId = await makeStoreRow(db.prisma);
    const cache = new AuthKeyCache();
    const auth = await loadPostgresAuthState({ keyring, pool: db.pool, storeId, slot: 0, cache });
    const pending = auth.state.keys.set({ session: { s: Buffer.from('v') } });
    await auth.close();
    await pending;
    expect(cache.stats().entries).toBe(0);
    expect(await db.prisma.authKey.count({ where: { storeId } })).toBe(1);
    await expect(auth.state.keys.set({ session: { s: Buffer.from('late') } })).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});
