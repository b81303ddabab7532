// POST and PATCH /api/client/:storeId/contacts, GET one: a lead by hand (its phone in E.164 and
// reachable from WhatsApp), one number per contact, edits with their event, another store's
// contact invisible, and bad input refused with nothing written.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startAppHarness, type AppHarness } from '../support/app-harness.js';
import { makeStore } from '../support/factories.js';
import { contactsApi, makeContact, recordEvents, snapshotContacts, whatsappMessageFrom, type Store } from './contact-factories.js';

let h: AppHarness;
let store: Store;
let api: ReturnType<typeof contactsApi>;

beforeAll(async () => {
  h = await startAppHarness();
  store = await makeStore(h.services);
  api = contactsApi(h, store);
});

afterAll(() => h.close());

describe('creating a contact', () => {
  it('normalizes the phone to E.164 in the store\'s country, gives it the WhatsApp address, announces it', async () => {
    const events = recordEvents(h, ['contact.created']);
    const res = await api.create({ name: '  Ana Lima ', phone: '(11) 97654-3210', email: 'ana@example.com', notes: 'prefere\nà tarde', tags: ['vip', ' vip ', 'novo'], optOut: false });
    await h.bus.drain();
    events.stop();
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String), name: 'Ana Lima', pushName: null, phone: '+5511976543210', jidPn: '5511976543210@s.whatsapp.net', jidLid: null,
      email: 'ana@example.com', notes: 'prefere\nà tarde', tags: ['vip', 'novo'], optOut: false, createdAt: expect.any(String), updatedAt: expect.any(String), identities: [],
    });
    expect(events.seen).toEqual([{ name: 'contact.created', event: { storeId: store.storeId, contactId: res.body.id, source: 'api', at: expect.any(Date) } }]);
    expect((await api.get(res.body.id)).body).toEqual(res.body);

    // A WhatsApp message from that number reaches this same contact.
    const stored = await h.services.messages.storeInbound(whatsappMessageFrom(store.storeId, '5511976543210@s.whatsapp.net', 'oi'));
    expect(stored.contactId).toBe(res.body.id);
    expect(await h.db.prisma.contact.count({ where: { storeId: store.storeId, phone: '+5511976543210' } })).toBe(1);
  });

  it('reads a number without +country code in the store\'s default country', async () => {
    const us = await makeStore(h.services);
    await h.db.prisma.storeSettings.create({ data: { storeId: us.storeId, defaultCountry: 'US' } });
    const res = await contactsApi(h, us).create({ name: 'Bob', phone: '212 555 0100' });
    expect([res.status, res.body.phone, res.body.jidPn]).toEqual([201, '+12125550100', '12125550100@s.whatsapp.net']);
  });

  it('a name alone is a lead; a number another contact has is a 409 naming that contact', async () => {
    const bare = await api.create({ name: 'Só Nome' });
    expect([bare.status, bare.body.phone, bare.body.jidPn, bare.body.tags, bare.body.optOut]).toEqual([201, null, null, [], false]);
    const holder = await makeContact(h, store.storeId, { pushName: 'Carla', jidPn: '5511955554444@s.whatsapp.net', phone: '+5511955554444' });
    const before = await snapshotContacts(h, store.storeId);
    for (const phone of ['+55 (11) 95555-4444', '11955554444', '5511955554444']) {
      const dup = await api.create({ name: 'Outra Carla', phone });
      expect([dup.status, dup.body.error.code, dup.body.error.details]).toEqual([409, 'CONFLICT', { contactId: holder.id }]);
      expect(dup.body.error.message).toContain(holder.id);
      expect(dup.body.error.message).toContain('Carla');
    }
    expect(await snapshotContacts(h, store.storeId)).toEqual(before);
  });

  it('refuses a bad phone with a 400 and writes nothing', async () => {
    const before = await snapshotContacts(h, store.storeId);
    for (const phone of ['call me', '1234567', '+1------', '+99 999 999 999', '+55 11 99999-0000 ext. 12', '', '   ', '\u0000', 'x'.repeat(65), 5511999990000, ['+5511999990000']]) {
      const res = await api.create({ name: 'Ruim', phone });
      expect([JSON.stringify(phone).slice(0, 30), res.status, res.body.error?.code]).toEqual([JSON.stringify(phone).slice(0, 30), 400, 'VALIDATION_FAILED']);
    }
    expect(await snapshotContacts(h, store.storeId)).toEqual(before);
  });
});

describe('editing a contact', () => {
  it('changes name, tags (trimmed, deduplicated), notes, email, opt-out and names the changed fields in its event', async () => {
    const c = await makeContact(h, store.storeId, { name: 'Beto', email: 'beto@example.com', tags: ['a'] });
    const events = recordEvents(h, ['contact.updated']);
    const res = await api.patch(c.id, { name: 'Roberto', tags: ['a', ' b ', 'b'], notes: 'alérgico a camarão', email: null, optOut: true });
    // Only what differs counts: the same values again change nothing and announce nothing.
    const again = await api.patch(c.id, { name: 'Roberto', optOut: true });
    await h.bus.drain();
    events.stop();
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: c.id, name: 'Roberto', tags: ['a', 'b'], notes: 'alérgico a camarão', email: null, optOut: true, identities: [] });
    expect(again.status).toBe(200);
    expect(again.body.updatedAt).toBe(res.body.updatedAt);
    expect(events.seen).toEqual([{ name: 'contact.updated', event: { storeId: store.storeId, contactId: c.id, fields: ['name', 'tags', 'notes', 'email', 'optOut'], source: 'api', at: expect.any(Date) } }]);
    const row = await h.db.prisma.contact.findUniqueOrThrow({ where: { id: c.id } });
    expect(row).toMatchObject({ name: 'Roberto', tags: ['a', 'b'], notes: 'alérgico a camarão', email: null, optOut: true });
    // The generated search key follows the edit.
    expect((await api.list('?search=roberto')).body.data.map((x: { id: string }) => x.id)).toEqual([c.id]);
  });

  it('refuses unknown fields, bad values, and too much, writing nothing', async () => {
    const c = await makeContact(h, store.storeId, { name: 'Intocado', tags: ['x'] });
    const before = await snapshotContacts(h, store.storeId);
    const bad = [
      { name: 'Novo', phone: '+5511999990000' }, { name: 'Novo', jidPn: '1@s.whatsapp.net' }, { storeId: 'other' }, { name: 'Novo', extra: true }, {},
      { name: '' }, { name: '   ' }, { name: 123 }, { name: null }, { name: 'x'.repeat(201) }, { name: 'x'.repeat(100 * 1024) }, { name: 'a\u0000b' }, { name: '\ud800' },
      { tags: 'vip' }, { tags: Array.from({ length: 51 }, (_, i) => `t${i}`) }, { tags: ['t'.repeat(51)] }, { tags: [''] }, { tags: [1] }, { tags: ['ok', '\u0007'] },
      { notes: 'n'.repeat(10_001) }, { notes: 5 }, { notes: 'a\u0000' },
      { email: 'not an email' }, { email: 42 }, { email: `${'a'.repeat(250)}@example.com` },
      { optOut: 'yes' }, { optOut: 1 }, { optOut: null },
      null, [], 'name', 42,
    ];
    for (const body of bad) {
      const res = await api.patch(c.id, body);
      // A JSON body that is no object is refused by the JSON parser already.
      const code = body === null || typeof body !== 'object' ? 'INVALID_JSON' : 'VALIDATION_FAILED';
      expect([JSON.stringify(body).slice(0, 40), res.status, res.body.error?.code]).toEqual([JSON.stringify(body).slice(0, 40), 400, code]);
      expect(res.body.error.requestId).toEqual(expect.any(String));
    }
    const notJson = await h.request('PATCH', `${api.base}/${c.id}`, { key: store.apiKey, rawBody: '{"name": "x', headers: { 'content-type': 'application/json' } });
    expect([notJson.status, notJson.body.error.code]).toEqual([400, 'INVALID_JSON']);
    expect(await snapshotContacts(h, store.storeId)).toEqual(before);
    // 50 tags of 50 characters and 10,000 characters of notes are fine.
    const most = await api.patch(c.id, { tags: Array.from({ length: 50 }, (_, i) => `${i}`.padEnd(50, 't')), notes: 'n'.repeat(10_000) });
    expect([most.status, most.body.tags.length, most.body.notes.length]).toEqual([200, 50, 10_000]);
  });
});

describe('another store\'s contact under this store\'s path', () => {
  it('is a 404 on every route, and stays as it was', async () => {
    const other = await makeStore(h.services);
    const theirs = await makeContact(h, other.storeId, { name: 'Deles', phone: '+5511933332222', jidPn: '5511933332222@s.whatsapp.net' });
    const mine = await makeContact(h, store.storeId, { name: 'Meu' });
    const before = await snapshotContacts(h, other.storeId);
    const answers = [
      await api.get(theirs.id),
      await api.profile(theirs.id),
      await api.patch(theirs.id, { name: 'Roubado' }),
      await api.merge(theirs.id, { otherId: mine.id }),
      await api.merge(mine.id, { otherId: theirs.id }),
      await api.get('c0000000000000000000000000'),
    ];
    for (const res of answers) expect([res.status, res.body.error.code]).toEqual([404, 'NOT_FOUND']);
    expect(await snapshotContacts(h, other.storeId)).toEqual(before);
    expect(await h.db.prisma.contact.findUnique({ where: { id: mine.id } })).not.toBeNull();
    // Its key on this store's path is refused before anything is read.
    const foreignKey = await h.request('GET', `${api.base}/${theirs.id}`, { key: other.apiKey });
    expect(foreignKey.status).toBe(403);
    // And its number is free for this store.
    expect((await api.create({ name: 'Xará', phone: '+5511933332222' })).status).toBe(201);
  });

  it('bad ids in the path are a 400', async () => {
    for (const id of ['a'.repeat(65), encodeURIComponent('💥'), "'%20OR%201=1--"]) {
      for (const res of [await api.get(id), await api.profile(id), await api.patch(id, { name: 'x' }), await api.merge(id, { otherId: 'abc' })]) {
        expect([res.status, res.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
      }
    }
  });
});
