// A store's webhook registrations over HTTP, with private targets NOT allowed (the production
// setting): create (the secret made and shown once), list, get, update, delete; refused targets
// (private, loopback, link-local, a name that resolves to loopback, http) at registration and a
// name resolving inward refused again at delivery; bad input → 400 with nothing written; another
// store's key → 403; audit rows that name no secret.
import { lookup } from 'node:dns/promises';
import { hostname } from 'node:os';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createLogger } from '../../src/logging/logger.js';
import { startAppHarness, type AppHarness } from '../support/app-harness.js';
import { eventually } from '../support/eventually.js';

// Everything the daemon logs, at every level: no secret may be in it.
const logged: string[] = [];
const logger = createLogger({ level: 'trace' }, new Writable({ write: (chunk, _enc, done) => (logged.push(chunk.toString()), done()) }));
/** Every key, secret and header value this file made. */
const secrets = new Set<string>();
let h: AppHarness;
let store: { storeId: string; apiKey: string };
let other: { storeId: string; apiKey: string };
const PUBLIC_URL = 'https://203.0.113.10/hooks/drin';

beforeAll(async () => {
  h = await startAppHarness({ logger, env: { WEBHOOKS_SCAN_INTERVAL_MS: '200' } });
  store = await h.services.stores.create('Loja Webhooks', { actor: 'admin' });
  other = await h.services.stores.create('Outra Loja', { actor: 'admin' });
  secrets.add(store.apiKey).add(other.apiKey).add('tok_s3cr3t_value');
});
afterAll(async () => {
  await h?.close();
});

const hooks = (s = store) => `/api/client/${s.storeId}/webhooks`;
const rowCount = async () => ({ hooks: await h.db.prisma.webhook.count(), audit: await h.db.prisma.auditLog.count({ where: { resourceType: 'webhook' } }) });

describe('webhook registrations', () => {
  it('creates a hook with a secret made and shown once; GET shows its last four and header names only', async () => {
    const res = await h.request('POST', hooks(), {
      key: store.apiKey,
      body: { url: PUBLIC_URL, events: ['message.received', 'bot.handoff', 'message.received'], headers: { 'X-Receiver-Token': 'tok_s3cr3t_value' }, description: 'n8n' },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toMatchObject({
      id: expect.any(String), url: PUBLIC_URL, events: ['message.received', 'bot.handoff'], enabled: true, description: 'n8n',
      headerNames: ['X-Receiver-Token'], retry: { baseDelayMs: 5000, maxAgeMinutes: 1440 }, secret: expect.stringMatching(/^whsec_/),
    });
    expect(res.body.secretLast4).toBe(res.body.secret.slice(-4));
    secrets.add(res.body.secret);
    const got = await h.request('GET', `${hooks()}/${res.body.id}`, { key: store.apiKey });
    expect(got.status).toBe(200);
    expect(got.body.secret).toBeUndefined();
    expect(JSON.stringify(got.body)).not.toContain('tok_s3cr3t_value');
    const list = await h.request('GET', hooks(), { key: store.apiKey });
    expect(list.body.webhooks.map((w: { id: string }) => w.id)).toEqual([res.body.id]);
    // At rest the secret and the header values are sealed, never in plaintext.
    const row = await h.db.prisma.webhook.findUniqueOrThrow({ where: { id: res.body.id } });
    expect(Buffer.from(row.secretSealed).toString('latin1')).not.toContain(res.body.secret);
    expect(Buffer.from(row.headersSealed!).toString('latin1')).not.toContain('tok_s3cr3t_value');
    // The audit trail names what changed, never the secret or a header's value.
    const audit = await h.db.prisma.auditLog.findMany({ where: { resourceId: res.body.id } });
    expect(audit.map((a) => a.action)).toEqual(['webhook.created']);
    expect(JSON.stringify(audit)).not.toContain(res.body.secret);
    expect(JSON.stringify(audit)).not.toContain('tok_s3cr3t_value');
  });

  it('a given secret is kept and not echoed; PATCH changes only what it names; DELETE removes it', async () => {
    const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    secrets.add(secret);
    const made = await h.request('POST', hooks(), { key: store.apiKey, body: { url: PUBLIC_URL, events: ['*'], secret, enabled: false } });
    expect(made.status).toBe(201);
    expect(made.body.secret).toBeUndefined();
    expect(made.body.secretLast4).toBe(secret.slice(-4));
    const patched = await h.request('PATCH', `${hooks()}/${made.body.id}`, { key: store.apiKey, body: { enabled: true, retry: { maxAgeMinutes: 60 }, headers: null } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ enabled: true, events: ['*'], url: PUBLIC_URL, retry: { baseDelayMs: 5000, maxAgeMinutes: 60 }, headerNames: [] });
    const audit = await h.db.prisma.auditLog.findFirstOrThrow({ where: { resourceId: made.body.id, action: 'webhook.updated' } });
    expect(audit.data).toEqual({ changed: { active: true, retryMaxAgeMinutes: 60, headerNames: [] } });
    expect((await h.request('DELETE', `${hooks()}/${made.body.id}`, { key: store.apiKey })).status).toBe(204);
    expect((await h.request('GET', `${hooks()}/${made.body.id}`, { key: store.apiKey })).status).toBe(404);
    expect((await h.request('DELETE', `${hooks()}/${made.body.id}`, { key: store.apiKey })).status).toBe(404);
  });

  it('refuses private, loopback and link-local targets, a name that resolves to loopback, and http — nothing written', async () => {
    const name = hostname();
    expect((await lookup(name, { all: true })).some((a) => a.address.startsWith('127.'))).toBe(true); // this machine's name is loopback (/etc/hosts)
    const before = await rowCount();
    for (const url of ['https://10.0.0.1/hook', 'https://169.254.169.254/latest/meta-data', 'https://localhost/hook', 'https://127.0.0.1:8080/', `https://${name}/hook`, 'https://[::1]/hook', 'http://203.0.113.10/hook']) {
      const res = await h.request('POST', hooks(), { key: store.apiKey, body: { url, events: ['message.received'] } });
      expect([url, res.status, res.body.error.code]).toEqual([url, 400, 'VALIDATION_FAILED']);
      expect(res.body.error.details[0].path).toEqual(['url']);
    }
    const made = (await h.request('POST', hooks(), { key: store.apiKey, body: { url: PUBLIC_URL, events: ['message.received'] } })).body;
    const moved = await h.request('PATCH', `${hooks()}/${made.id}`, { key: store.apiKey, body: { url: 'https://192.168.0.10/hook' } });
    expect(moved.status).toBe(400);
    expect((await h.request('GET', `${hooks()}/${made.id}`, { key: store.apiKey })).body.url).toBe(PUBLIC_URL);
    await h.request('DELETE', `${hooks()}/${made.id}`, { key: store.apiKey });
    expect((await rowCount()).hooks).toBe(before.hooks);
  });

  it('refuses a name that resolves inward again at delivery time (DNS can change after registration)', async () => {
    const made = (await h.request('POST', hooks(), { key: store.apiKey, body: { url: PUBLIC_URL, events: ['contact.created'], retry: { baseDelayMs: 100 } } })).body;
    // As if the name's DNS now pointed at this machine.
    await h.db.prisma.webhook.update({ where: { id: made.id }, data: { url: `https://${hostname()}:9/hook` } });
    await h.bus.emit('contact.created', { storeId: store.storeId, contactId: 'contact-dns', source: 'api', at: new Date() });
    const [d] = await eventually(() => h.db.prisma.webhookDelivery.findMany({ where: { webhookId: made.id } }), (rows) => (rows[0]?.attempts ?? 0) >= 1 && rows[0]!.status !== 'delivering');
    expect(d).toMatchObject({ status: 'pending', lastError: 'the URL resolves to a private or loopback address', responseStatus: null });
    await h.request('DELETE', `${hooks()}/${made.id}`, { key: store.apiKey });
  });

  it('bad input → 400, nothing written; another store\'s key → 403; another store\'s hook → 404', async () => {
    const before = await rowCount();
    for (const body of [
      {},
      { url: PUBLIC_URL },
      { url: PUBLIC_URL, events: [] },
      { url: PUBLIC_URL, events: ['message.nope'] },
      { url: 'not a url', events: ['*'] },
      { url: PUBLIC_URL, events: ['*'], secret: 'plain' },
      { url: PUBLIC_URL, events: ['*'], headers: { 'webhook-signature': 'x' } },
      { url: PUBLIC_URL, events: ['*'], headers: { 'X-Ok': 'line\nbreak' } },
      { url: PUBLIC_URL, events: ['*'], retry: { baseDelayMs: 1 } },
      { url: PUBLIC_URL, events: ['*'], enabled: 'yes' },
      { url: PUBLIC_URL, events: ['*'], extra: true },
    ]) {
      const res = await h.request('POST', hooks(), { key: store.apiKey, body });
      expect([JSON.stringify(body), res.status, res.body.error.code]).toEqual([JSON.stringify(body), 400, 'VALIDATION_FAILED']);
    }
    expect(await rowCount()).toEqual(before);
    const mine = (await h.request('POST', hooks(), { key: store.apiKey, body: { url: PUBLIC_URL, events: ['*'] } })).body;
    expect((await h.request('PATCH', `${hooks()}/${mine.id}`, { key: store.apiKey, body: {} })).status).toBe(400);
    expect((await h.request('GET', hooks(), { key: other.apiKey })).status).toBe(403);
    expect((await h.request('GET', `${hooks()}/${mine.id}`, { key: other.apiKey })).status).toBe(403);
    for (const [method, suffix] of [['GET', ''], ['PATCH', ''], ['DELETE', ''], ['POST', '/test'], ['GET', '/deliveries'], ['POST', '/replay']] as const) {
      const body = method === 'PATCH' ? { enabled: false } : suffix === '/replay' ? { from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' } : undefined;
      const res = await h.request(method, `${hooks(other)}/${mine.id}${suffix}`, { key: other.apiKey, body });
      expect([method, suffix, res.status]).toEqual([method, suffix, 404]);
    }
  });

  it('no key, secret or header value reached the log, an audit row or a delivery\'s payload', async () => {
    expect(logged.length).toBeGreaterThan(10);
    const rows = JSON.stringify({ audit: await h.db.prisma.auditLog.findMany(), deliveries: await h.db.prisma.webhookDelivery.findMany({ select: { payload: true, lastError: true } }) });
    for (const secret of secrets) {
      expect(logged.filter((l) => l.includes(secret))).toEqual([]);
      expect(rows.includes(secret)).toBe(false);
    }
  });
});
