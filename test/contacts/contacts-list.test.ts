// GET /api/client/:storeId/contacts: the search (accents, case and number formats ignored), the
// filters, and keyset pages that neither repeat nor skip a contact.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ACCENTED, UNACCENTED } from '../../src/contacts/contacts-search.js';
import { startAppHarness, type AppHarness } from '../support/app-harness.js';
import { makeStore } from '../support/factories.js';
import { contactsApi, makeContact, makeConversation, type Store } from './contact-factories.js';

let h: AppHarness;
let store: Store;
let api: ReturnType<typeof contactsApi>;
const ids = {} as Record<'joao' | 'maria' | 'jose' | 'percent', string>;

beforeAll(async () => {
  h = await startAppHarness();
  store = await makeStore(h.services);
  api = contactsApi(h, store);
  const s = store.storeId;
  ids.joao = (await makeContact(h, s, { name: 'João da Silva', phone: '+5511988887777', jidPn: '5511988887777@s.whatsapp.net', tags: ['vip', 'pizza'] })).id;
  ids.maria = (await makeContact(h, s, { name: 'Maria Souza', email: 'maria_souza@example.com', phone: '+5521977776666', tags: ['pizza'], optOut: true })).id;
  ids.jose = (await makeContact(h, s, { name: null, pushName: 'José Lima', jidLid: '123456789@lid' })).id;
  ids.percent = (await makeContact(h, s, { name: '100% Cliente' })).id;
  // Another store's namesake never shows.
  const other = await makeStore(h.services);
  await makeContact(h, other.storeId, { name: 'João da Silva', phone: '+5511988887777' });
});

afterAll(() => h.close());

const names = async (query: string) => {
  const res = await api.list(query);
  expect(res.status).toBe(200);
  return res.body.data.map((c: { id: string }) => c.id);
};
const q = (search: string) => `?search=${encodeURIComponent(search)}`;

describe('contacts search', () => {
  it('finds João da Silva from joao, JOAO, joão, a part of the name, with spaces around', async () => {
    for (const s of ['joao', 'JOAO', 'joão', 'JOÃO', ' Joao ', 'da silva', 'ão da']) expect(await names(q(s))).toEqual([ids.joao]);
  });

  it('finds the number however it is typed', async () => {
    for (const s of ['11 98888-7777', '+55 (11) 98888-7777', '5511988887777', '(11) 98888.7777', '011 98888-7777', '8888-7777']) {
      expect(await names(q(s))).toEqual([ids.joao]);
    }
  });

  it('searches the push name and the email, and finds nothing for a non-match', async () => {
    expect(await names(q('jose'))).toEqual([ids.jose]);
    expect(await names(q('MARIA_SOUZA@'))).toEqual([ids.maria]);
    expect(await names(q('pedro'))).toEqual([]);
    expect(await names(q('11 97777-0000'))).toEqual([]);
    // Too few digits to be a number, and no name has them.
    expect(await names(q('98'))).toEqual([]);
  });

  it('takes LIKE wildcards literally', async () => {
    expect(await names(q('%'))).toEqual([ids.percent]);
    expect(await names(q('_'))).toEqual([ids.maria]);
    expect(await names(q('\\'))).toEqual([]);
  });

  it('puts the query through the very expression of the generated column', async () => {
    const { rows } = await h.db.pool.query(
      `SELECT pg_get_expr(d.adbin, d.adrelid) AS expr FROM pg_attrdef d JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
       WHERE d.adrelid = 'contacts'::regclass AND a.attname = 'search_text'`,
    );
    expect(rows[0].expr).toContain('translate(lower(');
    expect(rows[0].expr).toContain(`'${ACCENTED}'`);
    expect(rows[0].expr).toContain(`'${UNACCENTED}'`);
  });
});

describe('contacts filters', () => {
  it('by tag, by opt-out, by recent activity, and together with a search', async () => {
    expect((await names('?tag=pizza')).sort()).toEqual([ids.joao, ids.maria].sort());
    expect(await names('?tag=vip')).toEqual([ids.joao]);
    expect(await names('?tag=nothing')).toEqual([]);
    expect(await names('?optOut=true')).toEqual([ids.maria]);
    expect((await names('?optOut=false')).sort()).toEqual([ids.joao, ids.jose, ids.percent].sort());
    expect(await names('?tag=pizza&optOut=false')).toEqual([ids.joao]);

    await makeConversation(h, store.storeId, ids.jose, { status: 'closed', lastMessageAt: new Date('2026-01-10T12:00:00Z') });
    await makeConversation(h, store.storeId, ids.maria, { lastMessageAt: new Date('2026-01-20T12:00:00Z') });
    expect((await names(`?activeSince=${encodeURIComponent('2026-01-10T12:00:00Z')}`)).sort()).toEqual([ids.jose, ids.maria].sort());
    expect(await names(`?activeSince=${encodeURIComponent('2026-01-10T12:00:00.001Z')}`)).toEqual([ids.maria]);
    expect(await names(`?activeSince=${encodeURIComponent('2026-01-20T09:00:00-03:00')}`)).toEqual([ids.maria]);
    expect(await names(`?activeSince=${encodeURIComponent('2026-01-20T09:00:01-03:00')}`)).toEqual([]);
    expect(await names(`?activeSince=2026-01-01T00:00:00Z&search=souza`)).toEqual([ids.maria]);
  });

  it('answers the contact view', async () => {
    const res = await api.list(q('joao'));
    expect(res.body).toEqual({
      data: [{
        id: ids.joao, name: 'João da Silva', pushName: null, phone: '+5511988887777', jidPn: '5511988887777@s.whatsapp.net', jidLid: null,
        email: null, notes: null, tags: ['vip', 'pizza'], optOut: false, createdAt: expect.any(String), updatedAt: expect.any(String),
      }],
      nextCursor: null,
    });
  });

  it('refuses bad filters in the error shape', async () => {
    for (const query of ['?optOut=yes', '?optOut=1', '?activeSince=yesterday', '?activeSince=2026-01-01', '?activeSince=2026-01-01T00:00:00', `?search=${'a'.repeat(201)}`,
      `?tag=${'t'.repeat(51)}`, '?tag=', '?tag=a&tag=b', '?search[]=x', '?search=%00x', '?tag=%07', '?unknown=1', '?limit=0', '?limit=101', '?limit=abc']) {
      const res = await api.list(query);
      expect([query, res.status, res.body.error?.code]).toEqual([query, 400, 'VALIDATION_FAILED']);
      expect(res.body.error.requestId).toEqual(expect.any(String));
    }
  });
});

describe('contacts pages', () => {
  it('a cursor from page 1 gives page 2: newest first, no duplicates, none skipped, ties broken by id', async () => {
    const paged = await makeStore(h.services);
    const same = new Date('2026-02-01T10:00:00.000Z');
    const made = [];
    for (let i = 0; i < 7; i++) made.push(await makeContact(h, paged.storeId, { name: `Cliente ${i}`, createdAt: i < 3 ? same : new Date(same.getTime() + i * 1000) }));
    const expected = [...made].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1)).map((c) => c.id);
    const pagedApi = contactsApi(h, paged);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await pagedApi.list(`?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      expect(res.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.data.map((c: { id: string }) => c.id));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(4);
    expect(seen).toEqual(expected);
    // Filters hold across pages.
    const first = await pagedApi.list('?limit=1&search=cliente');
    const second = await pagedApi.list(`?limit=1&search=cliente&cursor=${first.body.nextCursor}`);
    expect([first.body.data[0].id, second.body.data[0].id]).toEqual(expected.slice(0, 2));
  });

  it('refuses a cursor it never gave out', async () => {
    const forged = Buffer.from(JSON.stringify(['2026-01-01T00:00:00.000Z', null, "x' OR 1=1"])).toString('base64url');
    for (const cursor of ['nonsense', '..%2F', forged, 'c'.repeat(201), encodeURIComponent(Buffer.from('[1,2,3]').toString('base64url'))]) {
      const res = await api.list(`?cursor=${cursor}`);
      expect([res.status, res.body.error?.code]).toEqual([400, 'VALIDATION_FAILED']);
    }
  });
});

describe('contacts in the OpenAPI document', () => {
  it('lists the six routes, the list with its filters', async () => {
    const doc = (await h.request('GET', '/openapi.json')).body;
    const base = '/api/client/{storeId}/contacts';
    // The contacts tag's routes (the bot's pause and snapshot routes under a contact are the bot's).
    const ops = Object.entries(doc.paths as Record<string, Record<string, { tags?: string[] }>>)
      .flatMap(([path, o]) => Object.entries(o).filter(([, op]) => op.tags?.includes('contacts')).map(([m]) => `${m.toUpperCase()} ${path}`))
      .filter((op) => op.includes(base));
    expect(ops.sort()).toEqual([`GET ${base}`, `POST ${base}`, `GET ${base}/{id}`, `PATCH ${base}/{id}`, `POST ${base}/{id}/merge`, `GET ${base}/{id}/profile`].sort());
    const list = doc.paths[base].get;
    expect(list.parameters.filter((p: { in: string }) => p.in === 'query').map((p: { name: string }) => p.name)).toEqual(['limit', 'cursor', 'search', 'tag', 'optOut', 'activeSince']);
    expect(doc.paths[base].post.responses['201']).toBeDefined();
  });
});
