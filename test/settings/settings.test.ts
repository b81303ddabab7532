// The store's settings over HTTP: defaults until changed, a change keeps the rest, bad values are
// refused naming the field and change nothing.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startAppHarness, type AppHarness } from '../support/app-harness.js';

let h: AppHarness;
beforeAll(async () => {
  h = await startAppHarness();
});
afterAll(async () => h?.close());

const path = (storeId: string) => `/api/client/${storeId}/settings`;

describe('settings', () => {
  it('answer the defaults, then keep what a change sets and leave the rest', async () => {
    const s = await h.services.stores.create('Settings', { actor: 'admin' });
    const defaults = await h.request('GET', path(s.storeId), { key: s.apiKey });
    expect([defaults.status, defaults.body]).toEqual([
      200,
      { timezone: 'America/Sao_Paulo', workingHours: {}, contactEmail: null, contactPhone: null, logoUrl: null, defaultCountry: 'BR', allowOverlappingAppointments: false, historyDays: 7 },
    ]);
    const workingHours = { mon: [{ open: '09:00', close: '12:00' }, { open: '13:00', close: '18:00' }], sat: [{ open: '09:00', close: '13:00' }], sun: [] };
    const changed = await h.request('PATCH', path(s.storeId), {
      key: s.apiKey,
      body: { timezone: 'America/Manaus', workingHours, contactEmail: 'pizzaria@example.com', contactPhone: '(11) 98888-7777', logoUrl: 'https://cdn.example.com/logo.png', allowOverlappingAppointments: true },
    });
    expect([changed.status, changed.body]).toEqual([
      200,
      { timezone: 'America/Manaus', workingHours, contactEmail: 'pizzaria@example.com', contactPhone: '+5511988887777', logoUrl: 'https://cdn.example.com/logo.png', defaultCountry: 'BR', allowOverlappingAppointments: true, historyDays: 7 },
    ]);
    const again = await h.request('PATCH', path(s.storeId), { key: s.apiKey, body: { historyDays: 0, logoUrl: null } });
    expect(again.body).toEqual({ ...changed.body, historyDays: 0, logoUrl: null });
    expect((await h.request('GET', path(s.storeId), { key: s.apiKey })).body).toEqual(again.body);
  });

  it('refuse bad values naming the field, and change nothing', async () => {
    const s = await h.services.stores.create('Bad settings', { actor: 'admin' });
    const before = (await h.request('GET', path(s.storeId), { key: s.apiKey })).body;
    const BAD: Array<[string, unknown]> = [
      ['empty change', {}],
      ['unknown field', { theme: 'dark' }],
      ['unknown time zone', { timezone: 'America/Atlantis' }],
      ['time zone as number', { timezone: -3 }],
      ['bad country', { defaultCountry: 'XX' }],
      ['lowercase country', { defaultCountry: 'br' }],
      ['bad email', { contactEmail: 'pizzaria' }],
      ['bad phone', { contactPhone: '123' }],
      ['http logo', { logoUrl: 'http://cdn.example.com/logo.png' }],
      ['unknown weekday', { workingHours: { monday: [] } }],
      ['bad time', { workingHours: { mon: [{ open: '9h', close: '18:00' }] } }],
      ['close before open', { workingHours: { mon: [{ open: '18:00', close: '09:00' }] } }],
      ['overlapping openings', { workingHours: { mon: [{ open: '09:00', close: '13:00' }, { open: '12:00', close: '18:00' }] } }],
      ['history over a year', { historyDays: 366 }],
      ['negative history', { historyDays: -1 }],
      ['huge email', { contactEmail: `${'a'.repeat(300)}@example.com` }],
    ];
    for (const [label, body] of BAD) {
      const r = await h.request('PATCH', path(s.storeId), { key: s.apiKey, body });
      expect({ label, status: r.status, code: r.body.error?.code }).toEqual({ label, status: 400, code: 'VALIDATION_FAILED' });
    }
    expect((await h.request('GET', path(s.storeId), { key: s.apiKey })).body).toEqual(before);
  });
});
