import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ADMIN_KEY, startAppHarness, type AppHarness } from '../support/app-harness.js';

let h: AppHarness;
beforeAll(async () => {
  h = await startAppHarness();
});
afterAll(async () => {
  await h.close();
});

async function createStore(name = 'Pizzaria Bella') {
  const res = await h.request('POST', '/api/admin/stores', { key: ADMIN_KEY, body: { name } });
  expect(res.status).toBe(201);
  // The key is in this response: no browser or proxy cache may keep it.
  expect(res.headers.get('cache-control')).toBe('no-store');
  return res.body as { storeId: string; apiKey: string; apiKeyLast4: string; name: string };
}

describe('admin store routes', () => {
  it('creates a store and shows its key once, storing only an HMAC of it', async () => {
    const store = await createStore();
    expect(store.apiKey).toMatch(/^drin_sk_[A-Za-z0-9_-]{43}$/);
    expect(store.apiKeyLast4).toBe(store.apiKey.slice(-4));

    const row = await h.db.prisma.store.findUniqueOrThrow({ where: { id: store.storeId } });
    expect(row.apiKeyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(store.apiKey);

    const got = await h.request('GET', `/api/admin/stores/${store.storeId}`, { key: ADMIN_KEY });
    expect(got.status).toBe(200);
    expect(got.body).toEqual({ storeId: store.storeId, name: 'Pizzaria Bella', apiKeyLast4: store.apiKeyLast4, keyRotatedAt: expect.any(String), createdAt: expect.any(String) });
    expect(JSON.stringify(got.body)).not.toContain(store.apiKey);
  });

  it('refuses admin routes without the admin key or with a store key', async () => {
    const store = await createStore();
    expect((await h.request('GET', '/api/admin/stores')).status).toBe(401);
    expect((await h.request('GET', '/api/admin/stores', { key: 'wrong' })).status).toBe(401);
    const withStoreKey = await h.request('GET', '/api/admin/stores', { key: store.apiKey });
    expect(withStoreKey.status).toBe(401);
    expect(withStoreKey.body.error.code).toBe('UNAUTHORIZED');
  });

  it('lists stores page by page', async () => {
    for (let i = 0; i < 3; i++) await createStore(`List ${i}`);
    const first = await h.request('GET', '/api/admin/stores?limit=2', { key: ADMIN_KEY });
    expect(first.status).toBe(200);
    expect(first.body.data).toHaveLength(2);
    expect(first.body.nextCursor).toBe(first.body.data[1].storeId);
    const second = await h.request('GET', `/api/admin/stores?limit=2&cursor=${first.body.nextCursor}`, { key: ADMIN_KEY });
    const ids = [...first.body.data, ...second.body.data].map((s: { storeId: string }) => s.storeId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('answers 404 for a store that does not exist', async () => {
    const res = await h.request('GET', '/api/admin/stores/nope', { key: ADMIN_KEY });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });

  it('deletes a store and everything it owns', async () => {
    const store = await createStore();
    await h.db.prisma.sessionSlot.create({ data: { storeId: store.storeId, slot: 1 } });
    await h.db.prisma.authKey.create({ data: { storeId: store.storeId, slot: 1, type: 'session', keyId: 'a', keyVersion: 0, value: Buffer.from('{}') } });
    const del = await h.request('DELETE', `/api/admin/stores/${store.storeId}`, { key: ADMIN_KEY });
    expect(del.status).toBe(204);
    expect(await h.db.prisma.sessionSlot.count({ where: { storeId: store.storeId } })).toBe(0);
    expect(await h.db.prisma.authKey.count({ where: { storeId: store.storeId } })).toBe(0);
    expect((await h.request('GET', `/api/stores/${store.storeId}`, { key: store.apiKey })).status).toBe(401);
    expect((await h.request('DELETE', `/api/admin/stores/${store.storeId}`, { key: ADMIN_KEY })).status).toBe(404);
    const audit = await h.db.prisma.auditLog.findFirst({ where: { action: 'store.deleted', resourceId: store.storeId } });
    expect(audit?.actor).toBe('admin');
    // The trail outlives the store and still names it.
    expect(audit?.storeId).toBe(store.storeId);
    expect(await h.db.prisma.auditLog.count({ where: { storeId: store.storeId, action: 'store.created' } })).toBe(1);
  });
});

describe('store key on store routes', () => {
  it('lets a store read itself with its key: 200, another store key: 403, no or bad key: 401', async () => {
    const a = await createStore('A');
    const b = await createStore('B');
    const own = await h.request('GET', `/api/stores/${a.storeId}`, { key: a.apiKey });
    expect(own.status).toBe(200);
    expect(own.body.storeId).toBe(a.storeId);

    const cross = await h.request('GET', `/api/stores/${a.storeId}`, { key: b.apiKey });
    expect(cross.status).toBe(403);
    expect(cross.body.error.code).toBe('FORBIDDEN');
    expect(JSON.stringify(cross.body)).not.toContain('"A"');

    expect((await h.request('GET', `/api/stores/${a.storeId}`)).status).toBe(401);
    expect((await h.request('GET', `/api/stores/${a.storeId}`, { key: `${a.apiKey}x` })).status).toBe(401);
    expect((await h.request('GET', `/api/stores/${a.storeId}`, { key: ADMIN_KEY })).status).toBe(401);
    const malformed = await h.request('GET', `/api/stores/${a.storeId}`, { headers: { authorization: `Basic ${a.apiKey}` } });
    expect(malformed.status).toBe(401);
  });

  it('rotating a key stops the old one at once and the new one works', async () => {
    const store = await createStore();
    // Used once first, so this process has it among the keys it authorized lately.
    expect((await h.request('GET', `/api/stores/${store.storeId}`, { key: store.apiKey })).status).toBe(200);
    const rotated = await h.request('POST', `/api/admin/stores/${store.storeId}/rotate-key`, { key: ADMIN_KEY });
    expect(rotated.status).toBe(200);
    expect(rotated.headers.get('cache-control')).toBe('no-store');
    expect(rotated.body.apiKey).not.toBe(store.apiKey);
    expect((await h.request('GET', `/api/stores/${store.storeId}`, { key: store.apiKey })).status).toBe(401);
    expect((await h.request('GET', `/api/stores/${store.storeId}`, { key: rotated.body.apiKey })).status).toBe(200);
  });
});

describe('a key change and its audit row are one transaction', () => {
  // This file's own database: make every audit insert fail, as a full disk, a lost connection
  // or a broken constraint would at that moment.
  async function withAuditFailing(run: () => Promise<void>): Promise<void> {
    await h.db.prisma.$executeRawUnsafe(`CREATE OR REPLACE FUNCTION test_refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit write refused by the test'; END $$`);
    await h.db.prisma.$executeRawUnsafe(`CREATE TRIGGER test_refuse_audit BEFORE INSERT ON audit_logs FOR EACH ROW EXECUTE FUNCTION test_refuse_audit()`);
    try {
      await run();
    } finally {
      await h.db.prisma.$executeRawUnsafe(`DROP TRIGGER test_refuse_audit ON audit_logs`);
    }
  }

  it('a rotation whose audit row fails leaves the old key working (the store is not locked out)', async () => {
    const store = await createStore('Audit Rotate');
    const before = await h.db.prisma.store.findUniqueOrThrow({ where: { id: store.storeId } });
    await withAuditFailing(async () => {
      const rotated = await h.request('POST', `/api/admin/stores/${store.storeId}/rotate-key`, { key: ADMIN_KEY });
      expect(rotated.status).toBe(500);
      expect(JSON.stringify(rotated.body)).not.toContain('drin_sk_');
    });
    expect((await h.request('GET', `/api/stores/${store.storeId}`, { key: store.apiKey })).status).toBe(200);
    const after = await h.db.prisma.store.findUniqueOrThrow({ where: { id: store.storeId } });
    expect(after.apiKeyHash).toBe(before.apiKeyHash);
    expect(after.keyRotatedAt).toEqual(before.keyRotatedAt);
    expect(await h.db.prisma.auditLog.count({ where: { resourceId: store.storeId, action: 'store.key_rotated' } })).toBe(0);
  });

  it('a creation whose audit row fails leaves no store behind', async () => {
    await withAuditFailing(async () => {
      const created = await h.request('POST', '/api/admin/stores', { key: ADMIN_KEY, body: { name: 'Audit Create Unique Name' } });
      expect(created.status).toBe(500);
    });
    expect(await h.db.prisma.store.count({ where: { name: 'Audit Create Unique Name' } })).toBe(0);
  });

  it('a deletion whose audit row fails deletes nothing', async () => {
    const store = await createStore('Audit Delete');
    await withAuditFailing(async () => {
      expect((await h.request('DELETE', `/api/admin/stores/${store.storeId}`, { key: ADMIN_KEY })).status).toBe(500);
    });
    expect((await h.request('GET', `/api/stores/${store.storeId}`, { key: store.apiKey })).status).toBe(200);
  });

  it('each success writes its audit row', async () => {
    const store = await createStore('Audit Ok');
    expect((await h.request('POST', `/api/admin/stores/${store.storeId}/rotate-key`, { key: ADMIN_KEY })).status).toBe(200);
    const actions = await h.db.prisma.auditLog.findMany({ where: { resourceId: store.storeId }, orderBy: { createdAt: 'asc' }, select: { action: true, actor: true } });
    expect(actions).toEqual([
      { action: 'store.created', actor: 'admin' },
      { action: 'store.key_rotated', actor: 'admin' },
    ]);
  });
});
