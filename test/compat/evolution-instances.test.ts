// Evolution API compatibility, instances: the exact calls seed 004's Next.js app makes (create with
// qrcode and the Baileys integration → connection state → logout → delete) replayed against Drin
// with the simulator's phone scanning the QR image; who may call what with which apikey; bad input
// in Evolution's error shape, and a 501 naming Drin's route for what Drin does not offer.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ADMIN_KEY, createDaemonHarness, type DaemonHarness } from '../support/daemon-harness.js';
import { eventually } from '../support/eventually.js';
import { jsonRequest } from '../support/json-request.js';
import { scanQrImage } from '../support/qr-image.js';
import { useSimulatorSuite } from '../wa-sim/simulator-suite.js';
import { evolutionClient } from './evolution-client.js';

const suite = useSimulatorSuite();
let h: DaemonHarness;

beforeAll(async () => {
  h = await createDaemonHarness(suite.sim);
});
afterAll(async () => {
  await h?.close();
});

const { evo, stateOf, created } = evolutionClient(() => h, () => suite.sim);

describe('Evolution API compatibility: instances', () => {
  it('replays seed 004: create with a QR → scan the base64 image → connecting then open → logout unlinks the phone → delete removes the instance and its store', async () => {
    const tenantId = 'cm0r8x9y1000lm0p8q2r3s4t';
    const instanceName = `tenant_${tenantId}`;
    // POST /api/tenants/[tenantId]/whatsapp/connect
    const create = await evo('POST', '/instance/create', ADMIN_KEY, { instanceName, qrcode: true, integration: 'WHATSAPP-BAILEYS' });
    expect(create.status).toBe(201);
    expect(create.body).toMatchObject({
      instance: { instanceName, instanceId: expect.any(String), integration: 'WHATSAPP-BAILEYS', status: 'connecting' },
      hash: expect.any(String),
      qrcode: { base64: expect.stringMatching(/^data:image\/png;base64,/), code: expect.any(String), count: 1 },
    });
    expect(create.headers.get('cache-control')).toBe('no-store');
    // The image a dashboard shows is the QR the phone scans.
    expect(scanQrImage(create.body.qrcode.base64)).toBe(create.body.qrcode.code);

    // GET /api/tenants/[tenantId]/whatsapp/status, before and after the scan
    expect(await stateOf(instanceName)).toBe('connecting');
    await suite.sim.scanQr(scanQrImage(create.body.qrcode.base64), { phone: '5511955550401' });
    await eventually(() => stateOf(instanceName), (s) => s === 'open', 60_000);
    const listed = await evo('GET', `/instance/fetchInstances?instanceName=${instanceName}`, ADMIN_KEY);
    expect(listed.body).toEqual([expect.objectContaining({ name: instanceName, connectionStatus: 'open', number: '5511955550401', token: null })]);
    const storeId = listed.body[0].drin.storeId as string;

    // DELETE /api/tenants/[tenantId]/whatsapp/disconnect: logout, then delete
    const logout = await evo('DELETE', `/instance/logout/${instanceName}`, ADMIN_KEY);
    expect(logout.body).toEqual({ status: 'SUCCESS', error: false, response: { message: 'Instance logged out' } });
    await eventually(async () => suite.sim.phone('5511955550401').account.devices.size, (n) => n === 0, 30_000);
    expect(await stateOf(instanceName)).toBe('close');
    const again = await evo('DELETE', `/instance/logout/${instanceName}`, ADMIN_KEY);
    expect(again.status).toBe(400);
    expect(again.body).toMatchObject({ status: 400, error: 'Bad Request', response: { message: [`The "${instanceName}" instance is not connected`] } });

    const deleted = await evo('DELETE', `/instance/delete/${instanceName}`, ADMIN_KEY);
    expect(deleted.body).toEqual({ status: 'SUCCESS', error: false, response: { message: 'Instance deleted' } });
    const gone = await evo('GET', `/instance/connectionState/${instanceName}`, ADMIN_KEY);
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ status: 404, error: 'Not Found', response: { message: [`The "${instanceName}" instance does not exist`] } });
    expect((await jsonRequest(h.daemon.url, 'GET', `/api/admin/stores/${storeId}`, { key: ADMIN_KEY })).status).toBe(404);
    // The name is free again: the tenant can link another number.
    await created(instanceName);
  }, 180_000);

  it('the global key manages every instance; an instance token only its own, and never an admin or acting-elsewhere call', async () => {
    const a = await created('scoping-a');
    const b = await created('scoping-b');
    // Each token on its own instance.
    expect(await stateOf('scoping-a', a.hash)).toBe('close');
    // On another instance: 403, whatever the route.
    for (const [method, path] of [['GET', '/instance/connectionState/scoping-b'], ['GET', '/instance/connect/scoping-b'], ['DELETE', '/instance/delete/scoping-b'], ['POST', '/message/sendText/scoping-b'], ['GET', '/webhook/find/scoping-b']] as const) {
      const res = await evo(method, path, a.hash, method === 'POST' ? { number: '5511999990000', text: 'x' } : undefined);
      expect({ path, status: res.status, error: res.body.error }).toEqual({ path, status: 403, error: 'Forbidden' });
    }
    // Only the global key creates; a token lists only its own instance.
    expect((await evo('POST', '/instance/create', a.hash, { instanceName: 'by-a-token' })).status).toBe(403);
    expect((await evo('GET', '/instance/fetchInstances', a.hash)).body.map((i: { name: string }) => i.name)).toEqual(['scoping-a']);
    expect((await evo('GET', '/instance/fetchInstances?instanceName=scoping-b', a.hash)).status).toBe(403);
    const all = (await evo('GET', '/instance/fetchInstances', ADMIN_KEY)).body.map((i: { name: string }) => i.name);
    expect(all).toEqual(expect.arrayContaining(['scoping-a', 'scoping-b']));
    // Sends, chats and webhooks take the instance's own token: the global key is refused there.
    const byGlobal = await evo('POST', '/message/sendText/scoping-a', ADMIN_KEY, { number: '5511999990000', text: 'x' });
    expect(byGlobal.status).toBe(403);
    expect(byGlobal.body.response.message[0]).toMatch(/instance's own token/);
    expect((await evo('GET', '/webhook/find/scoping-a', ADMIN_KEY)).status).toBe(403);
    // No key, a wrong key, a Drin store key: 401.
    const store = await h.createStore('Not an instance');
    for (const key of [undefined, 'wrong-key-wrong-key', store.apiKey]) {
      const res = await evo('GET', '/instance/connectionState/scoping-a', key);
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ status: 401, error: 'Unauthorized' });
    }
    // The token is kept as a hash only: no listing shows it.
    expect(JSON.stringify(await evo('GET', '/instance/fetchInstances', ADMIN_KEY))).not.toContain(a.hash);
    expect(JSON.stringify(await h.db.pool.query('SELECT * FROM evolution_instances'))).not.toContain(a.hash);
    // A slot in use by another instance's store is untouched by b's deletion.
    expect((await evo('DELETE', '/instance/delete/scoping-b', b.hash)).status).toBe(200);
    expect(await stateOf('scoping-a', a.hash)).toBe('close');
  });

  it('an admin puts an instance on a slot of an existing store; deleting it keeps the store', async () => {
    const store = await h.createStore('Existing Store');
    const made = await created('existing-slot-2', { drin: { storeId: store.storeId, slot: 2 } });
    const [info] = (await evo('GET', '/instance/fetchInstances', made.hash)).body;
    expect(info.drin).toEqual({ storeId: store.storeId, slot: 2, status: 'disconnected' });
    const taken = await evo('POST', '/instance/create', ADMIN_KEY, { instanceName: 'existing-slot-2b', drin: { storeId: store.storeId, slot: 2 } });
    expect(taken.status).toBe(409);
    expect((await evo('DELETE', '/instance/delete/existing-slot-2', ADMIN_KEY)).status).toBe(200);
    expect((await jsonRequest(h.daemon.url, 'GET', `/api/stores/${store.storeId}`, { key: store.apiKey })).status).toBe(200);
  });

  it('bad input answers 4xx in Evolution\'s shape and writes nothing; what Drin does not offer is a 501 naming the Drin route', async () => {
    const before = (await h.db.pool.query('SELECT count(*)::int AS n FROM stores')).rows[0].n as number;
    const cases: [string, string, unknown, number][] = [
      ['POST', '/instance/create', {}, 400],
      ['POST', '/instance/create', { instanceName: 'has/slash' }, 400],
      ['POST', '/instance/create', { instanceName: 'ok-name', integration: 'WHATSAPP-BUSINESS' }, 400],
      ['POST', '/instance/create', { instanceName: 'ok-name', token: 'short' }, 400],
      ['POST', '/instance/create', { instanceName: 'ok-name', qrcode: 'yes' }, 400],
      ['POST', '/instance/create', { instanceName: 'ok-name', webhook: { url: 'not a url' } }, 400],
      ['POST', '/instance/create', { instanceName: 'ok-name', drin: { storeId: 'no-such-store' } }, 404],
    ];
    for (const [method, path, body, status] of cases) {
      const res = await evo(method, path, ADMIN_KEY, body);
      expect({ body, status: res.status }).toEqual({ body, status });
      expect(res.body).toMatchObject({ status, error: expect.any(String), response: { message: expect.arrayContaining([expect.any(String)]) } });
    }
    expect((await h.db.pool.query('SELECT count(*)::int AS n FROM stores')).rows[0].n).toBe(before);
    expect((await h.db.pool.query("SELECT count(*)::int AS n FROM evolution_instances WHERE name = 'ok-name'")).rows[0].n).toBe(0);

    const notJson = await evo('POST', '/instance/create', ADMIN_KEY, undefined, '{"instanceName": ');
    expect(notJson.status).toBe(400);
    expect(notJson.body).toMatchObject({ status: 400, error: 'Bad Request', response: { message: ['The body is not valid JSON'] } });

    await created('dup-name');
    const dup = await evo('POST', '/instance/create', ADMIN_KEY, { instanceName: 'dup-name' });
    expect(dup.status).toBe(403);
    expect(dup.body.response.message).toEqual(['This name "dup-name" is already in use.']);
    expect((await evo('GET', '/instance/connectionState/no-such-instance', ADMIN_KEY)).status).toBe(404);

    const inst = await created('bad-sends');
    for (const body of [{}, { number: '5511999990000' }, { text: 'hi' }, { number: '5511999990000', text: '' }, { number: '5511999990000', text: 'hi', delay: -1 }]) {
      const res = await evo('POST', '/message/sendText/bad-sends', inst.hash, body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
    }
    const group = await evo('POST', '/group/create/bad-sends', inst.hash, { subject: 'x' });
    expect(group.status).toBe(501);
    expect(group.body).toMatchObject({ status: 501, error: 'Not Implemented', response: { message: [expect.stringContaining('does not manage WhatsApp groups')] } });
    const media = await evo('POST', '/message/sendSticker/bad-sends', inst.hash, {});
    expect(media.status).toBe(501);
    expect(media.body.response.message[0]).toContain('POST /api/whatsapp/:storeId/messages');
    // A path Drin answers, with a method it does not take.
    const method = await evo('PUT', '/instance/create', ADMIN_KEY, {});
    expect(method).toMatchObject({ status: 405, body: { status: 405, error: 'Method Not Allowed' } });
    // Drin's own routes keep Drin's error shape.
    const drin = await jsonRequest(h.daemon.url, 'GET', '/api/stores/nope', {});
    expect(drin.body).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
  });
});
