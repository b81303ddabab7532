// A slot linked through Drin's own API, named an Evolution instance by its store: Evolution calls
// then act on it with the token shown once; unnamed, the token stops working and the slot stays
// linked. Drin's paths keep Drin's key and error shape.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createDaemonHarness, type DaemonHarness } from '../support/daemon-harness.js';
import { linkSlot } from '../support/link-slot.js';
import { useSimulatorSuite } from '../wa-sim/simulator-suite.js';
import { evolutionClient } from './evolution-client.js';

const suite = useSimulatorSuite();
let h: DaemonHarness;
const { evo, stateOf } = evolutionClient(() => h, () => suite.sim);

beforeAll(async () => {
  h = await createDaemonHarness(suite.sim);
});
afterAll(async () => {
  await h?.close();
});

describe('a Drin slot named an Evolution instance', () => {
  it('answers Evolution calls with its token, refuses what is not its store’s, and keeps its link when unnamed', async () => {
    const store = await h.createStore('Loja Centro');
    const other = await h.createStore('Outra Loja');
    await linkSlot(h, suite.sim, store, 1, '5511955550701');
    const path = `/api/whatsapp/${store.storeId}/1/evolution-instance`;

    const named = await h.request('PUT', path, { key: store.apiKey, body: { instanceName: 'loja-centro' } });
    expect(named.status).toBe(201);
    expect(named.body).toEqual({ instanceName: 'loja-centro', instanceId: expect.any(String), slot: 1, token: expect.any(String) });
    expect(named.headers.get('cache-control')).toBe('no-store');
    const token = named.body.token as string;
    expect(await stateOf('loja-centro', token)).toBe('open');

    const contact = suite.sim.phone('5511955550701').contact('5511944440701');
    const sent = await evo('POST', '/message/sendText/loja-centro', token, { number: '5511944440701', text: 'olá do n8n' });
    expect(sent.status).toBe(201);
    expect((await contact.waitForText('olá do n8n', { timeoutMs: 60_000 })).id).toBe(sent.body.key.id);

    // Taken name, taken slot, another store's key, bad input: Drin's shape, nothing written.
    expect((await h.request('PUT', `/api/whatsapp/${store.storeId}/2/evolution-instance`, { key: store.apiKey, body: { instanceName: 'loja-centro' } })).status).toBe(409);
    expect((await h.request('PUT', path, { key: store.apiKey, body: { instanceName: 'outro-nome' } })).status).toBe(409);
    expect((await h.request('PUT', path, { key: other.apiKey, body: { instanceName: 'sequestro' } })).status).toBe(403);
    for (const body of [{}, { instanceName: 'has/slash' }, { instanceName: 'ok', token: 'short' }, { instanceName: 'ok', extra: 1 }]) {
      const res = await h.request('PUT', path, { key: store.apiKey, body });
      expect({ body, status: res.status, code: res.body.error?.code }).toEqual({ body, status: 400, code: 'VALIDATION_FAILED' });
    }
    expect((await h.request('PUT', `/api/whatsapp/${store.storeId}/99/evolution-instance`, { key: store.apiKey, body: { instanceName: 'x' } })).status).toBe(400);
    expect((await h.db.pool.query('SELECT count(*)::int AS n FROM evolution_instances WHERE store_id = $1', [store.storeId])).rows[0].n).toBe(1);

    // Unnamed: the token is refused, the slot is still linked and connected.
    expect((await h.request('DELETE', path, { key: store.apiKey })).status).toBe(204);
    expect((await evo('GET', '/instance/connectionState/loja-centro', token)).status).toBe(401);
    expect((await h.request('GET', `/api/whatsapp/${store.storeId}/1/status`, { key: store.apiKey })).body.status).toBe('connected');
    expect((await h.request('DELETE', path, { key: store.apiKey })).status).toBe(404);
    // Minting and forgetting the instance's key are in the store's audit trail, the key never.
    const trail = (await h.db.pool.query("SELECT action, actor, resource_id, data FROM audit_logs WHERE store_id = $1 AND resource_type = 'evolution_instance' ORDER BY created_at", [store.storeId])).rows;
    expect(trail.map((r) => [r.action, r.actor, r.resource_id])).toEqual([['evolution.instance_created', 'store', 'loja-centro'], ['evolution.instance_deleted', 'store', 'loja-centro']]);
    expect(JSON.stringify(trail)).not.toContain(token);
  }, 120_000);
});
