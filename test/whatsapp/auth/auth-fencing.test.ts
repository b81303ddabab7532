// Fencing: every auth write carries the owner epoch the store was loaded with and is refused, in
// the same statement, once a new owner has bumped it; the refused store writes nothing more.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { FencedWriteError, loadPostgresAuthState } from '../../../src/whatsapp/engine/auth/index.js';
import { bumpOwnerEpoch } from '../../../src/whatsapp/engine/owner-epoch.repo.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';
import { keyring, makeStoreRow, observePool } from './auth-test-support.js';

let db: TestDatabase;
let storeId: string;
let nextSlot = 1;
beforeAll(async () => {
  db = await createTestDatabase();
  storeId = await makeStoreRow(db.prisma);
});
afterAll(async () => {
  await db.destroy();
});

/** Takes a new slot as its owner would: bump the epoch, load with it. */
async function ownSlot() {
  const ref = { storeId, slot: nextSlot++ };
  const epoch = await bumpOwnerEpoch(db.pool, ref);
  const fenced: number[] = [];
  const pool = observePool(db.pool);
  const auth = await loadPostgresAuthState({ keyring, pool, ...ref, cache: false, fence: { epoch, onFenced: () => fenced.push(1) } });
  return { ref, epoch, auth, pool, fenced };
}

async function rows(ref: { storeId: string; slot: number }) {
  const keys = await db.pool.query<{ key_id: string; value: Buffer }>('SELECT key_id, value FROM auth_keys WHERE store_id = $1 AND slot = $2 ORDER BY key_id', [ref.storeId, ref.slot]);
  const creds = await db.pool.query<{ data: Buffer }>('SELECT data FROM auth_creds WHERE store_id = $1 AND slot = $2', [ref.storeId, ref.slot]);
  return { keys: keys.rows, creds: creds.rows };
}

async function until(condition: () => Promise<boolean>, deadlineMs = 20_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met before the deadline');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('owner epoch', () => {
  it('bumpOwnerEpoch creates the slot row at 1 and adds one on every acquisition', async () => {
    const ref = { storeId, slot: 10 };
    expect(await bumpOwnerEpoch(db.pool, ref)).toBe('1');
    expect(await bumpOwnerEpoch(db.pool, ref)).toBe('2');
    const row = await db.prisma.sessionSlot.findUnique({ where: { storeId_slot: ref } });
    expect(row).toMatchObject({ ownerEpoch: 2n, status: 'disconnected', desired: 'stopped' });
  });
});

describe('fenced auth writes', () => {
  it('refuses a keys.set after a new owner bumped the epoch: nothing written, onFenced once, no write after it', async () => {
    const { ref, auth, pool, fenced } = await ownSlot();
    await auth.state.keys.set({ session: { a: Buffer.from('mine') } });
    await auth.saveCreds();
    const before = await rows(ref);

    await bumpOwnerEpoch(db.pool, ref); // another process took the slot
    const late = auth.state.keys.set({ session: { a: Buffer.from('late'), b: Buffer.from('late') }, 'pre-key': { '1': null } });
    await expect(late).rejects.toBeInstanceOf(FencedWriteError);
    await expect(late).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/^fenced:/) });
    expect(fenced).toHaveLength(1);
    expect(await rows(ref)).toEqual(before);

    // Refused from now on, without asking the database.
    pool.queries.length = 0;
    auth.state.creds.lastPropHash = 'late';
    await expect(auth.saveCreds()).rejects.toBeInstanceOf(FencedWriteError);
    await expect(auth.state.keys.set({ session: { c: Buffer.from('late') } })).rejects.toBeInstanceOf(FencedWriteError);
    await expect(auth.wipe()).rejects.toBeInstanceOf(FencedWriteError);
    expect(pool.queries).toEqual([]);
    expect(fenced).toHaveLength(1);
    expect(await rows(ref)).toEqual(before);
    await expect(auth.close()).resolves.toBeUndefined();
  });

  it('refuses a late saveCreds and wipe the same way; flush reports the unsaved creds', async () => {
    const first = await ownSlot();
    await first.auth.saveCreds();
    const before = await rows(first.ref);
    await bumpOwnerEpoch(db.pool, first.ref);
    first.auth.state.creds.lastPropHash = 'stale';
    await expect(first.auth.saveCreds()).rejects.toBeInstanceOf(FencedWriteError);
    expect(first.fenced).toHaveLength(1);
    await expect(first.auth.flush()).rejects.toBeInstanceOf(FencedWriteError);
    expect(await rows(first.ref)).toEqual(before);

    const second = await ownSlot();
    await second.auth.state.keys.set({ session: { s: randomBytes(10) } });
    await second.auth.saveCreds();
    await bumpOwnerEpoch(db.pool, second.ref);
    await expect(second.auth.wipe()).rejects.toBeInstanceOf(FencedWriteError);
    expect(second.fenced).toHaveLength(1);
    expect((await rows(second.ref)).keys).toHaveLength(1);
    expect((await rows(second.ref)).creds).toHaveLength(1);
  });

  it('lets the current owner write, and a new owner write after the bump', async () => {
    const { ref, auth } = await ownSlot();
    await bumpOwnerEpoch(db.pool, ref);
    const epoch = (await db.prisma.sessionSlot.findUniqueOrThrow({ where: { storeId_slot: ref } })).ownerEpoch;
    const next = await loadPostgresAuthState({ keyring, pool: db.pool, ...ref, cache: false, fence: { epoch } });
    await next.state.keys.set({ session: { n: Buffer.from('new owner') } });
    await next.saveCreds();
    await next.wipe();
    await expect(auth.state.keys.set({ session: { o: Buffer.from('old owner') } })).rejects.toBeInstanceOf(FencedWriteError);
  });

  it('makes a bump wait for a write already under way, so the new owner reads it', async () => {
    const { ref, auth } = await ownSlot();
    await db.pool.query(`
      CREATE OR REPLACE FUNCTION slow_auth_key() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.key_id = 'slow' THEN PERFORM pg_sleep(3); END IF; RETURN NEW; END $$;
      CREATE TRIGGER slow_auth_key BEFORE INSERT ON auth_keys FOR EACH ROW EXECUTE FUNCTION slow_auth_key();`);
    try {
      const write = auth.state.keys.set({ session: { slow: Buffer.from('in flight') } });
      await until(async () => ((await db.pool.query("SELECT 1 FROM pg_stat_activity WHERE wait_event = 'PgSleep' AND datname = current_database()")).rowCount ?? 0) > 0);
      const epoch = await bumpOwnerEpoch(db.pool, ref); // waits for the in-flight write to commit
      const next = await loadPostgresAuthState({ keyring, pool: db.pool, ...ref, cache: false, fence: { epoch } });
      expect(await next.state.keys.get('session', ['slow'])).toEqual({ slow: Buffer.from('in flight') });
      await write;
    } finally {
      await db.pool.query('DROP TRIGGER slow_auth_key ON auth_keys; DROP FUNCTION slow_auth_key();');
    }
  });

  it('does not check anything when loaded without a fence (tests, bench, scripts)', async () => {
    const auth = await loadPostgresAuthState({ keyring, pool: db.pool, storeId, slot: 500, cache: false });
    await auth.state.keys.set({ session: { x: Buffer.from('x') } });
    await auth.saveCreds();
    expect((await rows({ storeId, slot: 500 })).keys).toHaveLength(1);
  });
});

describe('asynchronous key commits', () => {
  it('commits a key write with synchronous_commit=off for that transaction only', async () => {
    const single = new (await import('pg')).default.Pool({ connectionString: db.url, max: 1 });
    try {
      const observed: string[] = [];
      const pool = {
        query: (async (config: { name?: string; text: string; values?: unknown[] }) => {
          const result = await single.query(config);
          if (config.name === 'drin_auth_write_keys') observed.push(result.rows[0].commit_mode);
          return result;
        }) as unknown as typeof single.query,
      };
      const asyncAuth = await loadPostgresAuthState({ keyring, pool, storeId, slot: 600, cache: false, asyncKeyCommit: true });
      await asyncAuth.state.keys.set({ session: { a: Buffer.from('a') } });
      await asyncAuth.state.keys.set({ session: { a: null } });
      const syncAuth = await loadPostgresAuthState({ keyring, pool, storeId, slot: 601, cache: false });
      await syncAuth.state.keys.set({ session: { b: Buffer.from('b') } });
      expect(observed).toEqual(['off', 'off', 'on']);
      // A connection already set to off keeps its setting for synchronous-by-default writes.
      await single.query('SET synchronous_commit = off');
      await syncAuth.state.keys.set({ session: { b: Buffer.from('b') } });
      expect(observed[3]).toBe('off');
      await single.query('RESET synchronous_commit');
      // Same connection: the setting did not outlive the write's transaction.
      expect((await single.query('SHOW synchronous_commit')).rows[0].synchronous_commit).toBe('on');
      expect(await syncAuth.state.keys.get('session', ['b'])).toEqual({ b: Buffer.from('b') });
    } finally {
      await single.end();
    }
  });
});
