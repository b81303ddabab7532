import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ADMIN_KEY, startAppHarness, type AppHarness } from '../support/app-harness.js';
import { readVersion } from '../../src/composition.js';

let h: AppHarness;
beforeAll(async () => {
  h = await startAppHarness();
});
afterAll(async () => {
  await h.close();
});

function expectErrorShape(body: any, code: string) {
  expect(body).toEqual({ error: { code, message: expect.any(String), requestId: expect.any(String), ...(body.error.details ? { details: expect.anything() } : {}) } });
}

describe('bad input: a 4xx in the error shape, nothing written', () => {
  const cases: Array<[string, { body?: unknown; rawBody?: string | Buffer; headers?: Record<string, string> }, number, string]> = [
    ['malformed JSON', { rawBody: '{"name": "x",' }, 400, 'INVALID_JSON'],
    ['a 10 MB body', { rawBody: JSON.stringify({ name: 'x'.repeat(10 * 1024 * 1024) }) }, 413, 'PAYLOAD_TOO_LARGE'],
    ['an unknown field', { body: { name: 'ok', owner: 'me' } }, 400, 'VALIDATION_FAILED'],
    ['a wrong type', { body: { name: 42 } }, 400, 'VALIDATION_FAILED'],
    ['an empty name', { body: { name: '   ' } }, 400, 'VALIDATION_FAILED'],
    ['no body at all', {}, 400, 'VALIDATION_FAILED'],
    ['a JSON array', { rawBody: '[1,2]' }, 400, 'VALIDATION_FAILED'],
    ['a JSON string primitive', { rawBody: '"name"' }, 400, 'INVALID_JSON'],
    ['a non-JSON content type', { rawBody: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 400, 'VALIDATION_FAILED'],
  ];

  it.each(cases)('%s', async (_label, input, status, code) => {
    const before = await h.db.prisma.store.count();
    const res = await h.request('POST', '/api/admin/stores', { key: ADMIN_KEY, ...input });
    expect(res.status).toBe(status);
    expectErrorShape(res.body, code);
    expect(await h.db.prisma.store.count()).toBe(before);
  });

  it('lists the zod issues for a validation failure', async () => {
    const res = await h.request('POST', '/api/admin/stores', { key: ADMIN_KEY, body: { name: 42, extra: true } });
    expect(res.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'name' })]));
  });

  it('rejects a bad query parameter with 400', async () => {
    const res = await h.request('GET', '/api/admin/stores?limit=abc', { key: ADMIN_KEY });
    expect(res.status).toBe(400);
    expectErrorShape(res.body, 'VALIDATION_FAILED');
  });
});

describe('HTTP basics', () => {
  it('answers unknown routes with 404 in the error shape', async () => {
    const res = await h.request('GET', '/nope');
    expect(res.status).toBe(404);
    expectErrorShape(res.body, 'NOT_FOUND');
  });

  it('keeps a sane incoming x-request-id and echoes it in the header and the error', async () => {
    const res = await h.request('GET', '/nope', { headers: { 'x-request-id': 'dash-123' } });
    expect(res.headers.get('x-request-id')).toBe('dash-123');
    expect(res.body.error.requestId).toBe('dash-123');
    const generated = await h.request('GET', '/nope', { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers CORS preflight for configured origins only', async () => {
    const allowed = await h.request('OPTIONS', '/api/admin/stores', { headers: { origin: 'http://dashboard.test', 'access-control-request-method': 'POST' } });
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://dashboard.test');
    const other = await h.request('OPTIONS', '/api/admin/stores', { headers: { origin: 'http://evil.test', 'access-control-request-method': 'POST' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('sets helmet security headers', async () => {
    const res = await h.request('GET', '/health');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('reports liveness and readiness', async () => {
    const health = await h.request('GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok', version: readVersion(), uptimeSeconds: expect.any(Number) });
    const ready = await h.request('GET', '/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', database: 'ok' });
  });

  it('serves an OpenAPI document generated from the route schemas', async () => {
    const res = await h.request('GET', '/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    const create = res.body.paths['/api/admin/stores'].post;
    expect(create.requestBody.content['application/json'].schema.properties.name.type).toBe('string');
    expect(create.requestBody.content['application/json'].schema.additionalProperties).toBe(false);
    expect(res.body.paths['/api/stores/{storeId}'].get.security).toEqual([{ storeKey: [] }]);
    // Every route documents the answers it shares with the others, in the one error shape.
    const send = res.body.paths['/api/whatsapp/{storeId}/messages'].post.responses;
    expect(Object.keys(send).sort()).toEqual(['202', '400', '401', '403', '429', '503', 'default']);
    expect(send['429'].content['application/json'].schema.properties.error.required).toEqual(expect.arrayContaining(['code', 'message', 'requestId']));
    expect(Object.keys(res.body.paths['/health'].get.responses)).not.toContain('401');
  });
});
