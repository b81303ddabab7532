// The /whatsapp-tools page's round trip (GET the flat config, edit a field, PUT the whole body
// back), validation with nothing written, the audit trail of a change, store isolation, the
// usage route without an OpenRouter key, and a contact's pause.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startAppHarness, type AppHarness } from '../support/app-harness.js';

let h: AppHarness;
beforeAll(async () => {
  h = await startAppHarness();
});
afterAll(async () => h?.close());

async function store(name = 'Pizzaria do Zé') {
  const s = await h.services.stores.create(name, { actor: 'admin' });
  const config = (method: string, body?: unknown, key = s.apiKey) => h.request(method, `/api/client/${s.storeId}/config`, { key, body });
  return { ...s, config };
}

describe('GET /api/client/:storeId/config', () => {
  it('gives a store that never saved one the defaults, as a flat object', async () => {
    const s = await store();
    const res = await s.config('GET');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      botName: null,
      storeType: null,
      basePrompt: null,
      forbidden: null,
      messageLimit: 30,
      contextTime: 60,
      botEnabled: true,
      model: 'openai/gpt-4o-mini',
      replyDebounceMs: 4000,
      hoursMode: 'always',
      handoffKeywords: [],
      revision: 0,
      updatedAt: null,
    });
    expect(await h.db.prisma.botConfig.count({ where: { storeId: s.storeId } })).toBe(0);
  });
});

describe('PUT /api/client/:storeId/config', () => {
  it('takes back exactly what GET gave with one field edited, keeps it, and audits the change', async () => {
    const s = await store();
    const form = (await s.config('GET')).body;
    const put = await s.config('PUT', { ...form, botName: 'Maria', storeType: 'pizzaria', forbidden: 'política\nreligião' });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ botName: 'Maria', storeType: 'pizzaria', forbidden: 'política\nreligião', messageLimit: 30, revision: 1 });
    expect((await s.config('GET')).body).toEqual(put.body);

    const row = await h.db.prisma.botConfig.findUniqueOrThrow({ where: { storeId: s.storeId } });
    // The default model stays "the default": a new OPENROUTER_MODEL moves this store too.
    expect([row.botName, row.forbiddenTopics, row.model]).toEqual(['Maria', 'política\nreligião', null]);
    const audit = await h.db.prisma.auditLog.findMany({ where: { storeId: s.storeId, action: 'bot_config.updated' } });
    expect(audit).toHaveLength(1);
    expect(audit[0]!.data).toEqual({ changed: { botName: { from: null, to: 'Maria' }, storeType: { from: null, to: 'pizzaria' }, forbidden: { from: null, to: 'política\nreligião' } } });
    expect(audit[0]!.actor).toBe('store');

    // The same body again changes nothing: no revision, no audit row.
    const again = await s.config('PUT', put.body);
    expect([again.status, again.body.revision]).toEqual([200, 1]);
    expect(await h.db.prisma.auditLog.count({ where: { storeId: s.storeId, action: 'bot_config.updated' } })).toBe(1);
  });

  it('changes only the fields given (a partial update)', async () => {
    const s = await store();
    await s.config('PUT', { botName: 'Ana', messageLimit: 10 });
    const res = await s.config('PUT', { contextTime: 15, handoffKeywords: ['atendente', 'humano'] });
    expect(res.body).toMatchObject({ botName: 'Ana', messageLimit: 10, contextTime: 15, handoffKeywords: ['atendente', 'humano'], revision: 2 });
  });

  it.each([
    ['a wrong type', { messageLimit: '30' }, 'messageLimit'],
    ['an unknown field', { botName: 'Ana', temperatura: 1 }, ''],
    ['an out-of-range value', { contextTime: 0 }, 'contextTime'],
    ['a bad model id', { model: 'gpt 4' }, 'model'],
    ['a bad hours mode', { hoursMode: 'sometimes' }, 'hoursMode'],
    ['nothing to change', {}, ''],
  ])('refuses %s with a 400 and writes nothing', async (_what, body, path) => {
    const s = await store();
    const res = await s.config('PUT', body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    if (path) expect(JSON.stringify(res.body.error.details)).toContain(path);
    expect(await h.db.prisma.botConfig.count({ where: { storeId: s.storeId } })).toBe(0);
    expect(await h.db.prisma.auditLog.count({ where: { storeId: s.storeId, action: 'bot_config.updated' } })).toBe(0);
  });

  it('refuses another store’s key with a 403 and writes nothing', async () => {
    const a = await store('A');
    const b = await store('B');
    expect((await a.config('GET', undefined, b.apiKey)).status).toBe(403);
    expect((await a.config('PUT', { botName: 'X' }, b.apiKey)).status).toBe(403);
    expect(await h.db.prisma.botConfig.count({ where: { storeId: a.storeId } })).toBe(0);
  });
});

describe('GET /api/client/:storeId/usage', () => {
  it('says the bot cannot answer without an OpenRouter key, while the config still saves', async () => {
    const s = await store();
    expect((await s.config('PUT', { botName: 'Maria' })).status).toBe(200);
    const res = await h.request('GET', `/api/client/${s.storeId}/usage`, { key: s.apiKey });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ replies: 0, tokens: { total: 0 }, cost: 0, canAnswer: false, budget: { exhausted: false } });
    expect(res.body.reasons.map((r: { code: string }) => r.code)).toEqual(['no_api_key']);
    expect(res.body.month).toMatch(/^\d{4}-\d{2}$/);
  });
});

describe('a contact’s bot pause', () => {
  it('pauses, reads back and resumes; an unknown or another store’s contact is a 404', async () => {
    const s = await store();
    const other = await store('Other');
    const contact = await h.db.prisma.contact.create({ data: { storeId: s.storeId, name: 'Ana' } });
    const path = `/api/client/${s.storeId}/contacts/${contact.id}/bot-pause`;
    const paused = await h.request('PUT', path, { key: s.apiKey, body: { minutes: 60 } });
    expect([paused.status, paused.body.paused, paused.body.reason]).toEqual([200, true, 'api']);
    expect(new Date(paused.body.until).getTime()).toBeGreaterThan(Date.now() + 59 * 60_000);
    expect((await h.request('GET', path, { key: s.apiKey })).body.paused).toBe(true);
    expect((await h.request('DELETE', path, { key: s.apiKey })).body).toMatchObject({ paused: false, until: null });

    expect((await h.request('PUT', path, { key: s.apiKey, body: { minutes: 0 } })).status).toBe(400);
    expect((await h.request('PUT', `/api/client/${s.storeId}/contacts/nope/bot-pause`, { key: s.apiKey, body: { minutes: 5 } })).status).toBe(404);
    const foreign = await h.request('PUT', `/api/client/${other.storeId}/contacts/${contact.id}/bot-pause`, { key: other.apiKey, body: { minutes: 5 } });
    expect(foreign.status).toBe(404);
    expect(await h.db.prisma.botPause.count({ where: { contactId: contact.id } })).toBe(0);
  });
});
