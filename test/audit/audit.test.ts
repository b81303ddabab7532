// The audit trail: admin and store actions that change something (a store made and its key
// rotated, a slot started and stopped, the bot's config, a webhook) are recorded with the actor,
// the store, the target, what changed, the IP and the user agent — never a key or secret — and
// read back per store (store key) or across stores (admin key), filtered by action and time.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ADMIN_KEY, createDaemonHarness, type DaemonHarness } from '../support/daemon-harness.js';
import { linkSlot } from '../support/link-slot.js';
import { useSimulatorSuite } from '../wa-sim/simulator-suite.js';

const suite = useSimulatorSuite();
let h: DaemonHarness;
const UA = { 'user-agent': 'drin-dashboard/1.0 (test)' };

beforeAll(async () => {
  h = await createDaemonHarness(suite.sim);
});
afterAll(async () => {
  await h?.close();
});

describe('the audit trail', () => {
  it('records store, session, config and webhook changes with actor, target, IP and user agent, and no secret', async () => {
    const made = await h.request('POST', '/api/admin/stores', { key: ADMIN_KEY, body: { name: 'Loja Auditada' }, headers: UA });
    expect(made.status).toBe(201);
    const storeId = made.body.storeId as string;
    const rotated = await h.request('POST', `/api/admin/stores/${storeId}/rotate-key`, { key: ADMIN_KEY, headers: UA });
    const key = rotated.body.apiKey as string;
    await linkSlot(h, suite.sim, { storeId, apiKey: key }, 1, '5511911110001');
    expect((await h.request('POST', `/api/whatsapp/${storeId}/1/stop`, { key, headers: UA })).status).toBe(200);
    expect((await h.request('PUT', `/api/client/${storeId}/config`, { key, body: { botName: 'Auditora' }, headers: UA })).status).toBe(200);
    const hook = await h.request('POST', `/api/client/${storeId}/webhooks`, { key, body: { url: 'https://203.0.113.40/hook', events: ['*'], headers: { 'X-Token': 'hook-header-secret' } }, headers: UA });
    expect(hook.status).toBe(201);

    const trail = await h.request('GET', `/api/client/${storeId}/audit?limit=200`, { key });
    expect(trail.status).toBe(200);
    const actions = (trail.body.entries as Array<{ action: string }>).map((e) => e.action).reverse();
    expect(actions).toEqual(['store.created', 'store.key_rotated', 'session.started', 'session.stopped', 'bot_config.updated', 'webhook.created']);
    const stopped = trail.body.entries.find((e: { action: string }) => e.action === 'session.stopped');
    expect(stopped).toMatchObject({ storeId, actor: 'store', resourceType: 'slot', resourceId: '1', data: { slot: 1, status: 'stopped' }, ip: expect.stringMatching(/127\.0\.0\.1/), userAgent: UA['user-agent'], requestId: expect.any(String) });
    expect(trail.body.entries.find((e: { action: string }) => e.action === 'store.key_rotated')).toMatchObject({ actor: 'admin', userAgent: UA['user-agent'] });
    const all = JSON.stringify(await h.db.prisma.auditLog.findMany());
    for (const secret of [made.body.apiKey, key, hook.body.secret, 'hook-header-secret']) expect(all).not.toContain(secret);

    // Filters: one action; a time range; pages by `before`.
    const onlyHooks = await h.request('GET', `/api/client/${storeId}/audit?action=webhook.created`, { key });
    expect(onlyHooks.body.entries.map((e: { resourceId: string }) => e.resourceId)).toEqual([hook.body.id]);
    const future = await h.request('GET', `/api/client/${storeId}/audit?from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`, { key });
    expect(future.body.entries).toEqual([]);
    const first = await h.request('GET', `/api/client/${storeId}/audit?limit=2`, { key });
    expect(first.body.entries).toHaveLength(2);
    const second = await h.request('GET', `/api/client/${storeId}/audit?limit=2&before=${first.body.nextBefore}`, { key });
    expect(second.body.entries.map((e: { action: string }) => e.action)).toEqual(['session.stopped', 'session.started']);

    // The admin reads across stores, and may narrow to one.
    const admin = await h.request('GET', `/api/admin/audit?storeId=${storeId}&action=store.created`, { key: ADMIN_KEY });
    expect(admin.body.entries.map((e: { storeId: string }) => e.storeId)).toEqual([storeId]);
  });

  it('another store\'s key → 403; no key → 401; a store key on the admin trail → 401; bad filters → 400', async () => {
    const a = await h.createStore('Audit A');
    const b = await h.createStore('Audit B');
    expect((await h.request('GET', `/api/client/${a.storeId}/audit`, { key: b.apiKey })).status).toBe(403);
    expect((await h.request('GET', `/api/client/${a.storeId}/audit`)).status).toBe(401);
    expect((await h.request('GET', '/api/admin/audit', { key: a.apiKey })).status).toBe(401);
    for (const q of ['action=DROP TABLE', 'limit=0', 'limit=201', 'from=yesterday', 'before=nosuchentry', 'extra=1']) {
      const res = await h.request('GET', `/api/client/${a.storeId}/audit?${q}`, { key: a.apiKey });
      expect([q, res.status, res.body.error.code]).toEqual([q, 400, 'VALIDATION_FAILED']);
    }
  });
});
