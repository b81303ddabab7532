// The MCP endpoint and the connections behind it, over real HTTP with the official SDK client:
// connections and tokens through the store's API, the secret sealed at rest and never shown, a
// token that opens exactly one store, the spec's Origin guard, 401/403/405, schema failures as
// isError results, and every tool call in the audit trail.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { startAppHarness, type AppHarness } from '../support/app-harness.js';
import { makeStore } from '../support/factories.js';
import { WordPressSite } from '../support/wordpress-site.js';
import { connectMcp, errorText, mcpClient, structured } from './mcp-client.js';

const logLines: string[] = [];
const logger = pino({ level: 'debug' }, new Writable({ write: (chunk, _enc, done) => (logLines.push(String(chunk)), done()) }));
const site = new WordPressSite();
let h: AppHarness;
let a: { storeId: string; apiKey: string };
let b: { storeId: string; apiKey: string };

beforeAll(async () => {
  await site.start();
  h = await startAppHarness({ logger, env: { MCP_ALLOW_PRIVATE_URLS: 'true' } });
  a = await makeStore(h.services, { name: 'Store A' });
  b = await makeStore(h.services, { name: 'Store B' });
});
afterAll(async () => {
  await h?.close();
  await site.stop();
});

const wordpress = () => ({ provider: 'wordpress', name: 'Blog', config: { siteUrl: site.url }, secret: { username: site.username, applicationPassword: site.applicationPassword } });
const mcpUrl = (provider: string) => `${h.baseUrl}/api/mcp/${provider}`;
async function tokenFor(store: { storeId: string; apiKey: string }, connectionId: string, body: Record<string, unknown> = {}) {
  const made = await h.request('POST', `/api/client/${store.storeId}/connections/${connectionId}/tokens`, { key: store.apiKey, body });
  expect(made.status).toBe(201);
  return made.body as { id: string; token: string; last4: string };
}
async function post(provider: string, token: string | undefined, headers: Record<string, string> = {}) {
  return h.request('POST', `/api/mcp/${provider}`, {
    ...(token ? { key: token } : {}),
    headers: { accept: 'application/json, text/event-stream', ...headers },
    body: { jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} },
  });
}

describe('connections', () => {
  it('seeds the providers and makes a connection: config shown, secret sealed at rest and never shown back', async () => {
    const providers = await h.request('GET', `/api/client/${a.storeId}/providers`, { key: a.apiKey });
    expect(providers.body.providers.map((p: { key: string }) => p.key).sort()).toEqual(['crm', 'whatsapp', 'wordpress']);
    expect((await h.db.prisma.serviceProvider.findMany()).map((p) => p.key).sort()).toEqual(['crm', 'whatsapp', 'wordpress']);

    const made = await h.request('POST', `/api/client/${a.storeId}/connections`, { key: a.apiKey, body: wordpress() });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ provider: 'wordpress', name: 'Blog', status: 'active', config: { siteUrl: site.url }, secretFields: ['applicationPassword', 'username'], mcpUrl: '/api/mcp/wordpress' });
    const listed = await h.request('GET', `/api/client/${a.storeId}/connections`, { key: a.apiKey });
    expect(listed.body.connections.map((c: { id: string }) => c.id)).toEqual([made.body.id]);
    for (const answer of [made, listed, await h.request('GET', `/api/client/${a.storeId}/connections/${made.body.id}`, { key: a.apiKey })]) {
      expect(JSON.stringify(answer.body)).not.toContain(site.applicationPassword);
    }
    // At rest: ciphertext, with neither the password nor the user name readable in the row.
    const [row] = await h.db.prisma.$queryRaw<{ secret_sealed: Buffer; config_json: unknown }[]>`SELECT secret_sealed, config_json FROM service_connections WHERE id = ${made.body.id}`;
    const stored = Buffer.from(row!.secret_sealed);
    expect(stored.length).toBeGreaterThan(28);
    for (const plain of [site.applicationPassword, site.username, 'applicationPassword']) expect(stored.includes(Buffer.from(plain))).toBe(false);
    expect(JSON.stringify(row!.config_json)).not.toContain(site.applicationPassword);
  });

  it('checks config and secret with the provider\'s schema; bad input is a 400 and writes nothing', async () => {
    const before = await h.db.prisma.serviceConnection.count();
    const cases = [
      { ...wordpress(), provider: 'gmail' },
      { ...wordpress(), config: { siteUrl: 'not a url' } },
      { ...wordpress(), secret: { username: 'x' } },
      { ...wordpress(), extra: true },
      { ...wordpress(), name: '' },
    ];
    for (const body of cases) {
      const refused = await h.request('POST', `/api/client/${a.storeId}/connections`, { key: a.apiKey, body });
      expect(refused.status).toBe(400);
      expect(refused.body.error.code).toBe('VALIDATION_FAILED');
    }
    const bad = await h.request('POST', `/api/client/${a.storeId}/connections`, { key: a.apiKey, body: { ...wordpress(), config: { siteUrl: 'nope' } } });
    expect(bad.body.error.details[0].path).toEqual(['config', 'siteUrl']);
    expect(await h.db.prisma.serviceConnection.count()).toBe(before);
  });

  it('PATCH replaces only what it names; another store\'s key is 403 and another store\'s connection 404; DELETE ends its tokens', async () => {
    const made = await h.request('POST', `/api/client/${a.storeId}/connections`, { key: a.apiKey, body: { provider: 'crm', name: 'CRM agent' } });
    const renamed = await h.request('PATCH', `/api/client/${a.storeId}/connections/${made.body.id}`, { key: a.apiKey, body: { name: 'Claude on the counter PC' } });
    expect(renamed.body).toMatchObject({ name: 'Claude on the counter PC', status: 'active', provider: 'crm' });
    expect((await h.request('PATCH', `/api/client/${a.storeId}/connections/${made.body.id}`, { key: a.apiKey, body: {} })).status).toBe(400);
    expect((await h.request('GET', `/api/client/${a.storeId}/connections`, { key: b.apiKey })).status).toBe(403);
    expect((await h.request('GET', `/api/client/${b.storeId}/connections/${made.body.id}`, { key: b.apiKey })).status).toBe(404);
    expect((await h.request('POST', `/api/client/${b.storeId}/connections/${made.body.id}/tokens`, { key: b.apiKey, body: {} })).status).toBe(404);
    const { token } = await tokenFor(a, made.body.id);
    expect((await post('crm', token)).status).toBe(200);
    expect((await h.request('DELETE', `/api/client/${a.storeId}/connections/${made.body.id}`, { key: a.apiKey })).status).toBe(204);
    expect((await post('crm', token)).status).toBe(401);
    expect((await h.request('DELETE', `/api/client/${a.storeId}/connections/${made.body.id}`, { key: a.apiKey })).status).toBe(404);
  });
});

describe('tokens and the endpoint', () => {
  it('a token is shown once and kept as a hash; several live at once; a revoked or expired one is 401', async () => {
    const conn = await h.request('POST', `/api/client/${a.storeId}/connections`, { key: a.apiKey, body: { provider: 'crm', name: 'Agents' } });
    const first = await tokenFor(a, conn.body.id, { label: 'Claude Desktop' });
    const second = await tokenFor(a, conn.body.id);
    expect(first.token).toMatch(/^drin_mcp_/);
    expect(first.last4).toBe(first.token.slice(-4));
    const listed = await h.request('GET', `/api/client/${a.storeId}/connections/${conn.body.id}/tokens`, { key: a.apiKey });
    expect(listed.body.tokens.map((t: { label: string | null }) => t.label)).toEqual(['Claude Desktop', null]);
    expect(JSON.stringify(listed.body)).not.toContain(first.token);
    const rows = await h.db.prisma.mcpToken.findMany({ where: { connectionId: conn.body.id } });
    expect(rows.every((r) => r.tokenHash !== first.token && r.tokenHash !== second.token && r.tokenHash.length === 64)).toBe(true);

    expect((await post('crm', first.token)).status).toBe(200);
    expect((await post('crm', second.token)).status).toBe(200);
    expect((await h.request('DELETE', `/api/client/${a.storeId}/connections/${conn.body.id}/tokens/${first.id}`, { key: a.apiKey })).status).toBe(204);
    const revoked = await post('crm', first.token);
    expect(revoked.status).toBe(401);
    expect(revoked.body.error.message).toMatch(/revoked/);
    expect((await post('crm', second.token)).status).toBe(200);

    // Expiry is checked on each request: a token whose time has come is refused from then on.
    await h.db.prisma.mcpToken.update({ where: { id: second.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const expired = await post('crm', second.token);
    expect(expired.status).toBe(401);
    expect(expired.body.error.message).toMatch(/expired/);
    expect((await h.request('POST', `/api/client/${a.storeId}/connections/${conn.body.id}/tokens`, { key: a.apiKey, body: { expiresAt: '2020-01-01T00:00:00Z' } })).status).toBe(400);
  });

  it('no or unknown token → 401; another provider\'s or an inactive connection\'s → 403; a bad Origin → 403; GET and DELETE → 405', async () => {
    const conn = await h.request('POST', `/api/client/${a.storeId}/connections`, { key: a.apiKey, body: { provider: 'crm', name: 'Gates' } });
    const { token } = await tokenFor(a, conn.body.id);
    expect((await post('crm', undefined)).status).toBe(401);
    expect((await post('crm', 'drin_mcp_nothing')).status).toBe(401);
    const wrongProvider = await post('wordpress', token);
    expect(wrongProvider.status).toBe(403);
    expect(wrongProvider.body.error.message).toContain('/api/mcp/crm');
    const evil = await post('crm', token, { origin: 'https://evil.example' });
    expect(evil.status).toBe(403);
    expect(evil.body.error.code).toBe('FORBIDDEN');
    expect((await post('crm', token, { origin: 'http://dashboard.test' })).status).toBe(200);
    for (const method of ['GET', 'DELETE']) {
      const refused = await h.request(method, '/api/mcp/crm', { key: token });
      expect(refused.status).toBe(405);
      expect(refused.headers.get('allow')).toBe('POST');
      expect(refused.body.error.code).toBe('METHOD_NOT_ALLOWED');
    }
    await h.request('PATCH', `/api/client/${a.storeId}/connections/${conn.body.id}`, { key: a.apiKey, body: { status: 'inactive' } });
    expect((await post('crm', token)).status).toBe(403);
  });

  it('the legacy ?token= and ?provider= forms work, and the token reaches no log line', async () => {
    const conn = await h.request('POST', `/api/client/${a.storeId}/connections`, { key: a.apiKey, body: { provider: 'crm', name: 'Legacy' } });
    const { token } = await tokenFor(a, conn.body.id);
    const legacy = await mcpClient(`${h.baseUrl}/api/mcp?provider=crm`, token, { legacy: true });
    expect((await legacy.listTools()).tools.map((t) => t.name)).toContain('store_summary');
    await legacy.close();
    const byPath = await mcpClient(mcpUrl('crm'), token, { legacy: true });
    expect(structured(await byPath.callTool({ name: 'store_summary', arguments: {} }))).toHaveProperty('openConversationsCount');
    await byPath.close();
    expect(logLines.some((l) => l.includes('/api/mcp'))).toBe(true);
    expect(logLines.filter((l) => l.includes(token))).toEqual([]);
  });

  it('a token of store A sees only store A; arguments that fail the schema are an isError result, never a 500; every call is audited', async () => {
    await h.services.booking.services.create(a.storeId, { name: 'Corte A' });
    await h.services.booking.services.create(b.storeId, { name: 'Pizza B' });
    const bContact = await h.services.contacts.create(b.storeId, { name: 'Bruna', phone: '+55 11 93333-0000' });
    const session = await connectMcp(h.baseUrl, h.request, a, 'crm');
    const listed = structured<{ services: { name: string }[] }>(await session.client.callTool({ name: 'list_services', arguments: {} }));
    expect(listed.services.map((s) => s.name)).toEqual(['Corte A']);
    // Store B's contact, asked for with store A's token: not found, as if it did not exist.
    expect(errorText(await session.client.callTool({ name: 'get_contact_profile', arguments: { contactId: bContact.id } }))).toMatch(/not found/i);
    const bad = errorText(await session.client.callTool({ name: 'list_services', arguments: { limit: 'ten' } }));
    expect(bad).toMatch(/limit/);
    await session.close();

    const audit = await h.request('GET', `/api/client/${a.storeId}/audit?action=mcp.tool_call`, { key: a.apiKey });
    expect(audit.status).toBe(200);
    const calls = audit.body.entries;
    const tools = (calls as { actor: string; data: { tool: string; ok: boolean } }[]).map((e) => [e.actor, e.data.tool, e.data.ok]);
    expect(tools).toEqual(expect.arrayContaining([['mcp', 'list_services', true], ['mcp', 'get_contact_profile', false]]));
    expect(JSON.stringify(audit.body)).not.toContain(session.token);
  });

  it('connection and token changes are audited without the secret', async () => {
    const audit = await h.request('GET', `/api/client/${a.storeId}/audit`, { key: a.apiKey });
    const actions = new Set(((audit.body.entries) as { action: string }[]).map((e) => e.action));
    for (const action of ['connection.created', 'connection.updated', 'connection.deleted', 'mcp_token.created', 'mcp_token.revoked']) expect(actions).toContain(action);
    expect(JSON.stringify(audit.body)).not.toContain(site.applicationPassword);
    expect(logLines.filter((l) => l.includes(site.applicationPassword))).toEqual([]);
  });
});
