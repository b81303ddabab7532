// Listing appointments: a calendar day in the store's timezone (local midnight to local midnight,
// DST included), by contact, status or window, paged by (startsAt, id); and the reads other
// domains use (today's count, a contact's upcoming appointments).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startAppHarness, type AppHarness } from '../support/app-harness.js';

let h: AppHarness;
beforeAll(async () => {
  h = await startAppHarness();
});
afterAll(async () => h?.close());

async function setup(settings?: { timezone?: string; allowOverlappingAppointments?: boolean }) {
  const store = await h.services.stores.create('Agenda', { actor: 'admin' });
  if (settings) await h.db.prisma.storeSettings.create({ data: { storeId: store.storeId, ...settings } });
  const contact = await h.db.prisma.contact.create({ data: { storeId: store.storeId, name: 'Ana' } });
  const base = `/api/client/${store.storeId}/appointments`;
  const call = (method: string, rest = '', body?: unknown) => h.request(method, base + rest, { key: store.apiKey, body });
  const book = async (startsAt: string, minutes = 30, extra: Record<string, unknown> = {}) => {
    const endsAt = new Date(new Date(startsAt).getTime() + minutes * 60_000).toISOString();
    const res = await call('POST', '', { contactId: contact.id, startsAt, endsAt, ...extra });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const day = async (d: string) => (await call('GET', `?day=${d}`)).body.data.map((a: { id: string }) => a.id);
  const setZone = (timezone: string) => h.db.prisma.storeSettings.upsert({ where: { storeId: store.storeId }, create: { storeId: store.storeId, timezone }, update: { timezone } });
  return { ...store, contact, call, book, day, setZone };
}

describe('GET appointments?day=', () => {
  it("puts 23:30 local on that local day, whatever UTC says, in the store's timezone", async () => {
    const s = await setup({ timezone: 'America/Sao_Paulo' });
    const lateInSaoPaulo = await s.book('2026-07-01T23:30:00-03:00'); // 02:30Z on 2 July
    const earlyInTokyo = await s.book('2026-07-02T00:30:00+09:00'); // 15:30Z on 1 July
    expect(await s.day('2026-07-01')).toEqual([earlyInTokyo, lateInSaoPaulo]);
    expect(await s.day('2026-07-02')).toEqual([]);

    await s.setZone('Asia/Tokyo');
    expect(await s.day('2026-07-01')).toEqual([]);
    expect(await s.day('2026-07-02')).toEqual([earlyInTokyo, lateInSaoPaulo]);

    const lateInTokyo = await s.book('2026-07-01T23:30:00+09:00');
    expect(await s.day('2026-07-01')).toEqual([lateInTokyo]);
  });

  it('counts days in America/Sao_Paulo when the store has no settings row', async () => {
    const s = await setup();
    const late = await s.book('2026-07-01T23:30:00-03:00');
    expect(await s.day('2026-07-01')).toEqual([late]);
    expect(await s.day('2026-07-02')).toEqual([]);
  });

  it('a 23-hour DST day ends at the next local midnight, not 24 hours after the first', async () => {
    const s = await setup({ timezone: 'America/New_York' });
    const lastOfDay = await s.book('2026-03-08T23:30:00-04:00');
    const firstOfNext = await s.book('2026-03-09T00:30:00-04:00'); // 04:30Z: inside a naive 24-hour window
    expect(await s.day('2026-03-08')).toEqual([lastOfDay]);
    expect(await s.day('2026-03-09')).toEqual([firstOfNext]);
  });
});

describe('GET appointments filters and pages', () => {
  it('by contact, status and window; pages by (startsAt, id) through ties', async () => {
    const s = await setup({ allowOverlappingAppointments: true });
    const other = await h.db.prisma.contact.create({ data: { storeId: s.storeId, name: 'Bia' } });
    const ids = [
      await s.book('2026-07-01T09:00:00Z'),
      await s.book('2026-07-01T10:00:00Z'),
      await s.book('2026-07-01T10:00:00Z', 60, { contactId: other.id }),
      await s.book('2026-07-01T10:00:00Z', 15, { status: 'confirmed' }),
      await s.book('2026-07-01T12:00:00Z', 30, { contactId: other.id, status: 'confirmed' }),
    ];
    const tied = ids.slice(1, 4).sort();
    const expected = [ids[0], ...tied, ids[4]];

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { data: Array<{ id: string }>; nextCursor: string | null } } = await s.call('GET', `?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.data.map((a) => a.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(expected);

    const idsOf = async (q: string) => (await s.call('GET', q)).body.data.map((a: { id: string }) => a.id);
    expect(await idsOf(`?contactId=${other.id}`)).toEqual([ids[2], ids[4]]);
    expect(await idsOf('?status=confirmed')).toEqual([ids[3], ids[4]]);
    expect(await idsOf(`?status=confirmed&contactId=${other.id}`)).toEqual([ids[4]]);
    expect(await idsOf('?from=2026-07-01T10:00:00Z&to=2026-07-01T12:00:00Z')).toEqual(tied);
    expect(await idsOf(`?from=${encodeURIComponent('2026-07-01T09:00:00-03:00')}`)).toEqual([ids[4]]);
    expect(await idsOf('?to=2026-07-01T10:00:00Z')).toEqual([ids[0]]);
  });

  it('refuses bad queries with 400 in the error shape', async () => {
    const s = await setup();
    for (const q of [
      '?day=2026-02-30',
      '?day=01/07/2026',
      '?day=2026-7-1',
      '?day=2026-07-01&from=2026-07-01T00:00:00Z',
      '?from=2026-07-02T00:00:00Z&to=2026-07-01T00:00:00Z',
      '?from=2026-07-01T00:00:00',
      '?status=pending',
      '?contactId=a%20b',
      '?limit=1000',
      '?cursor=abc',
      '?page=2',
    ]) {
      const res = await s.call('GET', q);
      expect([q, res.status, res.body.error?.code]).toEqual([q, 400, 'VALIDATION_FAILED']);
    }
  });
});

describe('reads for other domains', () => {
  it("appointmentsToday counts those holding time that start today in the store's timezone", async () => {
    const s = await setup({ timezone: 'Asia/Tokyo', allowOverlappingAppointments: true });
    await s.book('2026-07-01T00:00:00+09:00'); // first instant of the day
    await s.book('2026-07-01T23:30:00+09:00');
    await s.book('2026-07-01T12:00:00+09:00', 30, { status: 'done' });
    await s.book('2026-07-01T13:00:00+09:00', 30, { status: 'cancelled' });
    await s.book('2026-07-01T14:00:00+09:00', 30, { status: 'no_show' });
    await s.book('2026-07-02T00:00:00+09:00'); // tomorrow
    await s.book('2026-06-30T23:59:00+09:00'); // yesterday
    const now = new Date('2026-07-01T02:00:00Z'); // 11:00 on 1 July in Tokyo, 23:00 on 30 June in São Paulo
    expect(await h.services.booking.reads.appointmentsToday(s.storeId, now)).toBe(3);
    await s.setZone('America/Sao_Paulo');
    // São Paulo's 30 June: Tokyo's 1 July 00:00 (15:00Z) and 30 June 23:59 (14:59Z); the 12:00 one is 00:00 on 1 July there.
    expect(await h.services.booking.reads.appointmentsToday(s.storeId, now)).toBe(2);
  });

  it("upcomingForContact lists the contact's appointments not yet over, earliest first", async () => {
    const s = await setup({ allowOverlappingAppointments: true });
    const other = await h.db.prisma.contact.create({ data: { storeId: s.storeId, name: 'Bia' } });
    await s.book('2026-07-01T08:00:00Z'); // over by now
    const ongoing = await s.book('2026-07-01T09:50:00Z');
    const later = await s.book('2026-07-03T09:00:00Z');
    const next = await s.book('2026-07-02T09:00:00Z');
    await s.book('2026-07-02T10:00:00Z', 30, { status: 'cancelled' });
    await s.book('2026-07-02T11:00:00Z', 30, { contactId: other.id });
    const now = new Date('2026-07-01T10:00:00Z');
    const upcoming = await h.services.booking.reads.upcomingForContact(s.storeId, s.contact.id, 10, now);
    expect(upcoming.map((a) => a.id)).toEqual([ongoing, next, later]);
    expect((await h.services.booking.reads.upcomingForContact(s.storeId, s.contact.id, 1, now)).map((a) => a.id)).toEqual([ongoing]);
  });
});
