// The store's services over HTTP: create, list (paged, filtered), read, change, delete — a used
// service refused with 409 (deactivate it instead), bad input refused with nothing written, and
// another store's services out of reach.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startAppHarness, type AppHarness } from '../support/app-harness.js';

let h: AppHarness;
beforeAll(async () => {
  h = await startAppHarness();
});
afterAll(async () => h?.close());

const newStore = (name = 'Barbearia') => h.services.stores.create(name, { actor: 'admin' });
const path = (storeId: string, rest = '') => `/api/client/${storeId}/services${rest}`;

describe('services CRUD', () => {
  it('creates, reads, lists, changes and deletes a service', async () => {
    const { storeId, apiKey: key } = await newStore();
    const created = await h.request('POST', path(storeId), { key, body: { name: '  Corte  ', priceCents: 4500, durationMinutes: 30, description: 'tesoura e máquina' } });
    expect(created.status).toBe(201);
    expect(created.body).toEqual(expect.objectContaining({ name: 'Corte', priceCents: 4500, currency: 'BRL', durationMinutes: 30, active: true, description: 'tesoura e máquina' }));
    const id = created.body.id;

    expect((await h.request('GET', path(storeId, `/${id}`), { key })).body).toEqual(created.body);

    const changed = await h.request('PATCH', path(storeId, `/${id}`), { key, body: { priceCents: 5000, currency: 'USD', description: null } });
    expect(changed.status).toBe(200);
    expect(changed.body).toEqual(expect.objectContaining({ id, name: 'Corte', priceCents: 5000, currency: 'USD', description: null, durationMinutes: 30 }));
    expect(await h.db.prisma.service.findUnique({ where: { id } })).toEqual(expect.objectContaining({ priceCents: 5000, currency: 'USD' }));

    const list = await h.request('GET', path(storeId), { key });
    expect(list.status).toBe(200);
    expect(list.body).toEqual({ data: [changed.body], nextCursor: null });

    const deleted = await h.request('DELETE', path(storeId, `/${id}`), { key });
    expect(deleted.status).toBe(204);
    expect(await h.db.prisma.service.count({ where: { id } })).toBe(0);
    expect((await h.request('GET', path(storeId, `/${id}`), { key })).status).toBe(404);
    expect((await h.request('DELETE', path(storeId, `/${id}`), { key })).status).toBe(404);
  });

  it('a free service has price 0; one without a set price or duration has null', async () => {
    const { storeId, apiKey: key } = await newStore();
    expect((await h.request('POST', path(storeId), { key, body: { name: 'Avaliação', priceCents: 0, durationMinutes: 15 } })).body.priceCents).toBe(0);
    const open = await h.request('POST', path(storeId), { key, body: { name: 'Orçamento' } });
    expect(open.status).toBe(201);
    expect(open.body).toEqual(expect.objectContaining({ priceCents: null, durationMinutes: null, currency: 'BRL' }));
  });

  it('pages the list by a cursor and filters by active', async () => {
    const { storeId, apiKey: key } = await newStore();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await h.request('POST', path(storeId), { key, body: { name: `S${i}`, active: i % 2 === 0 } })).body.id);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { data: Array<{ id: string }>; nextCursor: string | null } } = await h.request('GET', path(storeId, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`), { key });
      expect(page.status).toBe(200);
      expect(page.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.data.map((s) => s.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(ids);

    const active = await h.request('GET', path(storeId, '?active=true'), { key });
    expect(active.body.data.map((s: { id: string }) => s.id)).toEqual([ids[0], ids[2], ids[4]]);
    const inactive = await h.request('GET', path(storeId, '?active=false'), { key });
    expect(inactive.body.data.map((s: { id: string }) => s.id)).toEqual([ids[1], ids[3]]);
  });

  it('refuses to delete a service appointments use (409 suggesting to deactivate it); deactivating works', async () => {
    const { storeId, apiKey: key } = await newStore();
    const service = (await h.request('POST', path(storeId), { key, body: { name: 'Barba', priceCents: 3000, durationMinutes: 20 } })).body;
    const contact = await h.db.prisma.contact.create({ data: { storeId, name: 'Ana', phone: '5511999990001' } });
    const booked = await h.request('POST', `/api/client/${storeId}/appointments`, { key, body: { contactId: contact.id, serviceId: service.id, startsAt: '2026-07-01T13:00:00Z' } });
    expect(booked.status).toBe(201);

    const refused = await h.request('DELETE', path(storeId, `/${service.id}`), { key });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toEqual(expect.objectContaining({ code: 'CONFLICT', message: expect.stringMatching(/used by 1 appointment.*deactivate it instead.*"active": false/) }));
    expect(await h.db.prisma.service.count({ where: { id: service.id } })).toBe(1);

    const deactivated = await h.request('PATCH', path(storeId, `/${service.id}`), { key, body: { active: false } });
    expect(deactivated.status).toBe(200);
    expect(deactivated.body.active).toBe(false);
    // The appointment keeps its service; a new booking of it is refused.
    expect((await h.db.prisma.appointment.findUnique({ where: { id: booked.body.id } }))?.serviceId).toBe(service.id);
    const again = await h.request('POST', `/api/client/${storeId}/appointments`, { key, body: { contactId: contact.id, serviceId: service.id, startsAt: '2026-07-02T13:00:00Z' } });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/inactive/);
  });
});

describe('services with bad input', () => {
  const BAD: Array<[string, unknown]> = [
    ['no name', { priceCents: 100 }],
    ['blank name', { name: '   ' }],
    ['long name', { name: 'x'.repeat(201) }],
    ['negative price', { name: 'A', priceCents: -1 }],
    ['fractional price', { name: 'A', priceCents: 10.5 }],
    ['price as text', { name: 'A', priceCents: '100' }],
    ['huge price', { name: 'A', priceCents: 3_000_000_000 }],
    ['zero duration', { name: 'A', durationMinutes: 0 }],
    ['negative duration', { name: 'A', durationMinutes: -30 }],
    ['duration over a day', { name: 'A', durationMinutes: 1441 }],
    ['lowercase currency', { name: 'A', currency: 'brl' }],
    ['made-up currency', { name: 'A', currency: 'XYZ' }],
    ['four-letter currency', { name: 'A', currency: 'EURO' }],
    ['active as text', { name: 'A', active: 'yes' }],
    ['control characters in the name', { name: '\u0007\u001b[31m' }],
    ['a newline in the name', { name: 'Corte\nBarba' }],
    ['a lone surrogate in the name', { name: '\ud800' }],
    ['a NUL in the description', { name: 'A', description: 'a\u0000b' }],
    ['unknown field', { name: 'A', color: 'blue' }],
    ['an array', [{ name: 'A' }]],
  ];

  it.each(BAD)('POST %s → 400 in the error shape, nothing written', async (_label, body) => {
    const { storeId, apiKey: key } = await newStore();
    const res = await h.request('POST', path(storeId), { key, body });
    expect(res.status).toBe(400);
    expect(Object.keys(res.body)).toEqual(['error']);
    expect(res.body.error).toEqual(expect.objectContaining({ code: 'VALIDATION_FAILED', message: expect.any(String), requestId: expect.any(String) }));
    expect(await h.db.prisma.service.count({ where: { storeId } })).toBe(0);
  });

  it('PATCH with nothing, a bad field or an unknown one → 400, nothing changed', async () => {
    const { storeId, apiKey: key } = await newStore();
    const service = (await h.request('POST', path(storeId), { key, body: { name: 'Corte', priceCents: 4500, durationMinutes: 30 } })).body;
    for (const body of [{}, { priceCents: -5 }, { durationMinutes: 0 }, { name: '' }, { currency: 'usd' }, { id: 'other' }, { storeId: 'other' }]) {
      const res = await h.request('PATCH', path(storeId, `/${service.id}`), { key, body });
      expect([res.status, res.body.error?.code]).toEqual([400, 'VALIDATION_FAILED']);
    }
    expect(await h.db.prisma.service.findUnique({ where: { id: service.id } })).toEqual(expect.objectContaining({ name: 'Corte', priceCents: 4500, durationMinutes: 30, currency: 'BRL' }));
  });

  it('bad ids, queries and cursors → 400; unknown ids → 404', async () => {
    const { storeId, apiKey: key } = await newStore();
    expect((await h.request('GET', path(storeId, `/${encodeURIComponent('a b')}`), { key })).status).toBe(400);
    expect((await h.request('GET', path(storeId, '/nosuchservice'), { key })).status).toBe(404);
    expect((await h.request('PATCH', path(storeId, '/nosuchservice'), { key, body: { name: 'X' } })).status).toBe(404);
    for (const q of ['?active=yes', '?limit=0', '?limit=101', '?cursor=bogus', '?sort=name']) {
      const res = await h.request('GET', path(storeId, q), { key });
      expect([q, res.status, res.body.error?.code]).toEqual([q, 400, 'VALIDATION_FAILED']);
    }
  });
});

describe("another store's services", () => {
  it('are 404 on every route and never change', async () => {
    const a = await newStore('A');
    const b = await newStore('B');
    const service = (await h.request('POST', path(a.storeId), { key: a.apiKey, body: { name: 'Corte', priceCents: 4500 } })).body;
    expect((await h.request('GET', path(b.storeId, `/${service.id}`), { key: b.apiKey })).status).toBe(404);
    expect((await h.request('PATCH', path(b.storeId, `/${service.id}`), { key: b.apiKey, body: { name: 'Mine' } })).status).toBe(404);
    expect((await h.request('DELETE', path(b.storeId, `/${service.id}`), { key: b.apiKey })).status).toBe(404);
    expect((await h.request('GET', path(b.storeId), { key: b.apiKey })).body.data).toEqual([]);
    // B's key on A's path is refused outright.
    expect((await h.request('GET', path(a.storeId, `/${service.id}`), { key: b.apiKey })).status).toBe(403);
    expect(await h.db.prisma.service.findUnique({ where: { id: service.id } })).toEqual(expect.objectContaining({ storeId: a.storeId, name: 'Corte' }));
  });
});
