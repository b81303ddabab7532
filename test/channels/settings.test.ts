// The store's channel settings: the outbound URL (https, public) and the channel secret, shown once
// and stored sealed. This file runs with the default config: no http, no private addresses.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SECRETS_KEY, startAppHarness, type AppHarness } from '../support/app-harness.js';

let h: AppHarness;
beforeAll(async () => {
  h = await startAppHarness();
});
afterAll(async () => {
  await h?.services.channels.stop();
  await h?.close();
});

const path = (storeId: string) => `/api/client/${storeId}/channels`;

describe('channel settings', () => {
  it('a store with no settings row reads as not set up; PATCH makes the row and keeps the URL', async () => {
    const store = await h.services.stores.create('Fresh', { actor: 'admin' });
    expect(await h.db.prisma.storeSettings.count({ where: { storeId: store.storeId } })).toBe(0);
    const empty = await h.request('GET', path(store.storeId), { key: store.apiKey });
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual({
      outboundUrl: null,
      secretLast4: null,
      inboundUrl: `/api/webhooks/inbound/${store.storeId}/{channel}`,
      statusUrl: `/api/webhooks/status/${store.storeId}`,
    });

    const url = 'https://n8n.loja.example.com/webhook/drin-outbound';
    const set = await h.request('PATCH', path(store.storeId), { key: store.apiKey, body: { outboundUrl: url } });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ ...empty.body, outboundUrl: url });
    const row = await h.db.prisma.storeSettings.findUniqueOrThrow({ where: { storeId: store.storeId } });
    expect(row).toMatchObject({ channelsOutboundUrl: url, timezone: 'America/Sao_Paulo', historyDays: 7 });
    expect((await h.request('GET', path(store.storeId), { key: store.apiKey })).body.outboundUrl).toBe(url);

    const cleared = await h.request('PATCH', path(store.storeId), { key: store.apiKey, body: { outboundUrl: null } });
    expect(cleared.body.outboundUrl).toBeNull();
    const audit = await h.db.prisma.auditLog.findMany({ where: { storeId: store.storeId, action: 'channels.outbound_url_set' } });
    expect(audit).toHaveLength(2);
  });

  it('the secret is shown once, stored sealed, and only its last four characters are ever read back', async () => {
    const store = await h.services.stores.create('Secretive', { actor: 'admin' });
    const made = await h.request('POST', `${path(store.storeId)}/secret`, { key: store.apiKey });
    expect(made.status).toBe(200);
    expect(made.headers.get('cache-control')).toBe('no-store');
    const { secret } = made.body;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);

    const read = await h.request('GET', path(store.storeId), { key: store.apiKey });
    expect(read.body.secretLast4).toBe(secret.slice(-4));
    expect(JSON.stringify(read.body)).not.toContain(secret.slice(6, 30));

    const row = await h.db.prisma.storeSettings.findUniqueOrThrow({ where: { storeId: store.storeId } });
    const column = Buffer.from(row.channelsSecretEnc!);
    for (const form of [secret, secret.slice(6), Buffer.from(secret.slice(6), 'base64').toString('hex')]) {
      expect(column.includes(Buffer.from(form))).toBe(false);
    }
    expect(column.includes(Buffer.from(secret.slice(6), 'base64'))).toBe(false);
    expect(column.includes(Buffer.from(SECRETS_KEY))).toBe(false);
    expect(column.length).toBeGreaterThan(2 + 12 + 16);

    // A new secret replaces the old one; both answers only ever went to the caller.
    const again = await h.request('POST', `${path(store.storeId)}/secret`, { key: store.apiKey });
    expect(again.body.secret).not.toBe(secret);
    expect((await h.request('GET', path(store.storeId), { key: store.apiKey })).body.secretLast4).toBe(again.body.secret.slice(-4));
    const audit = await h.db.prisma.auditLog.findMany({ where: { storeId: store.storeId, action: 'channels.secret_replaced' } });
    expect(audit).toHaveLength(2);
    expect(JSON.stringify(audit)).not.toContain(secret.slice(6, 30));
  });

  it('needs the store\'s own key', async () => {
    const a = await h.services.stores.create('A', { actor: 'admin' });
    const b = await h.services.stores.create('B', { actor: 'admin' });
    expect((await h.request('GET', path(a.storeId))).status).toBe(401);
    expect((await h.request('GET', path(a.storeId), { key: b.apiKey })).status).toBe(403);
    expect((await h.request('POST', `${path(a.storeId)}/secret`, { key: b.apiKey })).status).toBe(403);
    expect((await h.request('PATCH', path(a.storeId), { key: b.apiKey, body: { outboundUrl: 'https://n8n.example.com/x' } })).status).toBe(403);
    expect(await h.db.prisma.storeSettings.count({ where: { storeId: a.storeId } })).toBe(0);
  });
});

describe('bad input → 400 in the error shape, nothing written', () => {
  const BAD: Array<[string, unknown]> = [
    ['http (not allowed by this config)', { outboundUrl: 'http://n8n.example.com/webhook' }],
    ['loopback', { outboundUrl: 'https://127.0.0.1/webhook' }],
    ['localhost', { outboundUrl: 'https://localhost:5678/webhook' }],
    ['a private network', { outboundUrl: 'https://192.168.1.20/webhook' }],
    ['link-local (cloud metadata)', { outboundUrl: 'https://169.254.169.254/latest' }],
    ['IPv6 loopback', { outboundUrl: 'https://[::1]/webhook' }],
    ['user and password in the URL', { outboundUrl: 'https://user:pass@n8n.example.com/webhook' }],
    ['not a URL', { outboundUrl: 'n8n please' }],
    ['ftp', { outboundUrl: 'ftp://n8n.example.com/x' }],
    ['too long', { outboundUrl: `https://n8n.example.com/${'x'.repeat(2048)}` }],
    ['missing', {}],
    ['unknown field', { outboundUrl: null, secret: 'whsec_x' }],
    ['a number', { outboundUrl: 42 }],
  ];
  it.each(BAD)('PATCH: %s', async (_label, body) => {
    const store = await h.services.stores.create('Bad patch', { actor: 'admin' });
    const res = await h.request('PATCH', path(store.storeId), { key: store.apiKey, body });
    expect(res.status).toBe(400);
    expect(Object.keys(res.body)).toEqual(['error']);
    expect(res.body.error).toEqual(expect.objectContaining({ code: 'VALIDATION_FAILED', message: expect.any(String), requestId: expect.any(String) }));
    expect(await h.db.prisma.storeSettings.count({ where: { storeId: store.storeId } })).toBe(0);
    expect(await h.db.prisma.auditLog.count({ where: { storeId: store.storeId, action: { startsWith: 'channels.' } } })).toBe(0);
  });

  it('a malformed store id → 400', async () => {
    const store = await h.services.stores.create('Ids', { actor: 'admin' });
    expect((await h.request('GET', `/api/client/${encodeURIComponent('a b')}/channels`, { key: store.apiKey })).status).toBe(400);
  });

  it('the OpenAPI document lists the routes with their schemas', async () => {
    const doc = (await h.request('GET', '/openapi.json')).body;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/client/{storeId}/channels', '/api/client/{storeId}/channels/secret', '/api/webhooks/inbound/{storeId}/{channel}', '/api/webhooks/status/{storeId}']));
    const inbound = doc.paths['/api/webhooks/inbound/{storeId}/{channel}'].post;
    expect(inbound.security).toEqual([]);
    expect(inbound.responses['401']).toBeDefined();
    expect(Object.keys(inbound.requestBody.content['application/json'].schema.properties)).toEqual(['externalId', 'sender', 'text', 'media', 'timestamp']);
  });
});
