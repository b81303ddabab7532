// Every contacts route, sent the fuzz walk's hostile bodies, queries and ids (test/http/fuzz-cases):
// each is a 4xx in the one error shape, and no contact, message or thread is written or changed.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startAppHarness, type AppHarness } from '../support/app-harness.js';
import { makeStore } from '../support/factories.js';
import { BAD_BODIES, BAD_IDS, BAD_QUERIES } from '../http/fuzz-cases.js';
import { contactsApi, makeContact, makeConversation, makeMessage, type Store } from './contact-factories.js';

let h: AppHarness;
let store: Store;
let kept: string;
let other: string;

beforeAll(async () => {
  h = await startAppHarness();
  store = await makeStore(h.services);
  kept = (await makeContact(h, store.storeId, { name: 'Fica', phone: '+5511900001111', jidPn: '5511900001111@s.whatsapp.net' })).id;
  other = (await makeContact(h, store.storeId, { name: 'Outra' })).id;
  await makeMessage(h, store.storeId, other, (await makeConversation(h, store.storeId, other)).id);
});

afterAll(() => h.close());

/** Everything a contacts route could write. */
async function state() {
  const where = { storeId: store.storeId };
  const order = { id: 'asc' } as const;
  return {
    contacts: await h.db.prisma.contact.findMany({ where, orderBy: order }),
    conversations: await h.db.prisma.conversation.findMany({ where, orderBy: order }),
    messages: await h.db.prisma.message.findMany({ where, orderBy: order, select: { id: true, contactId: true, conversationId: true } }),
  };
}

async function send(method: string, path: string, body?: { data: string | Buffer; headers: Record<string, string> }) {
  const res = await fetch(h.baseUrl + path, { method, headers: { authorization: `Bearer ${store.apiKey}`, ...(body?.headers ?? {}) }, body: body?.data });
  const text = await res.text();
  let parsed: any = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* kept as text: fails the shape check below */
  }
  return { status: res.status, body: parsed, requestId: res.headers.get('x-request-id') };
}

const refusedInShape = (label: string, res: Awaited<ReturnType<typeof send>>) => {
  const ok = res.status >= 400 && res.status < 500 && Object.keys(res.body ?? {}).join() === 'error' && typeof res.body.error.code === 'string' && res.body.error.requestId === res.requestId;
  return ok ? null : `${label} → ${res.status} ${JSON.stringify(res.body).slice(0, 160)}`;
};

describe('bad input on every contacts route', () => {
  it('bodies: create, edit and merge refuse every one', async () => {
    const before = await state();
    const base = `/api/client/${store.storeId}/contacts`;
    const problems: string[] = [];
    for (const body of BAD_BODIES) {
      for (const [method, path] of [['POST', base], ['PATCH', `${base}/${kept}`], ['POST', `${base}/${kept}/merge`]] as const) {
        const problem = refusedInShape(`${method} ${path.replace(store.storeId, ':storeId')}: ${body.label}`, await send(method, path, body));
        if (problem) problems.push(problem);
      }
    }
    expect(problems).toEqual([]);
    expect(await state()).toEqual(before);
  });

  it('queries on the list, ids on every route', async () => {
    const before = await state();
    const base = `/api/client/${store.storeId}/contacts`;
    const problems: string[] = [];
    for (const query of [...BAD_QUERIES, '?search=%00x', '?optOut=TRUE', '?activeSince=%00', `?tag=${'t'.repeat(4000)}`]) {
      const problem = refusedInShape(`GET list ${query.slice(0, 30)}`, await send('GET', `${base}${query}`));
      if (problem) problems.push(problem);
    }
    const json = (value: unknown) => ({ data: JSON.stringify(value), headers: { 'content-type': 'application/json' } });
    for (const id of BAD_IDS) {
      for (const [method, path, body] of [
        ['GET', `${base}/${id}`],
        ['GET', `${base}/${id}/profile`],
        ['PATCH', `${base}/${id}`, json({ name: 'x' })],
        ['POST', `${base}/${id}/merge`, json({ otherId: other })],
        ['POST', `${base}/${kept}/merge`, json({ otherId: id })],
      ] as const) {
        const problem = refusedInShape(`${method} ${path.replace(store.storeId, ':storeId')}`, await send(method, path, body));
        if (problem) problems.push(problem);
      }
    }
    expect(problems).toEqual([]);
    expect(await state()).toEqual(before);
  });

  it('a search the database has to work for stays a 200 (wildcards, quotes, backslashes, many accents)', async () => {
    for (const search of ["'; DROP TABLE contacts; --", '\\%_\\', 'ÁÀÂÃÄÅ'.repeat(33), '(((', '+', '++++----', '🍕']) {
      const res = await send('GET', `/api/client/${store.storeId}/contacts?search=${encodeURIComponent(search)}`);
      expect([search, res.status, res.body.data]).toEqual([search, 200, []]);
    }
  });
});
