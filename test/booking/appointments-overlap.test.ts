// The overlap rule: two appointments of a store that hold time ([start, end), not cancelled or
// no-show) never overlap unless the store allows it — on booking, on moves and on un-cancelling,
// and with concurrent requests (the store's booking lock): exactly one of a burst wins.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startAppHarness, type AppHarness } from '../support/app-harness.js';

let h: AppHarness;
beforeAll(async () => {
  h = await startAppHarness();
});
afterAll(async () => h?.close());

async function setup() {
  const store = await h.services.stores.create('Estúdio', { actor: 'admin' });
  const contacts = await Promise.all(['Ana', 'Bia', 'Caio', 'Duda', 'Edu'].map((name) => h.db.prisma.contact.create({ data: { storeId: store.storeId, name } })));
  const service = await h.db.prisma.service.create({ data: { storeId: store.storeId, name: 'Sessão', durationMinutes: 60 } });
  const base = `/api/client/${store.storeId}/appointments`;
  const call = (method: string, rest = '', body?: unknown) => h.request(method, base + rest, { key: store.apiKey, body });
  const book = (startsAt: string, contact = contacts[0]!, extra: Record<string, unknown> = {}) => call('POST', '', { contactId: contact.id, serviceId: service.id, startsAt, ...extra });
  const allowOverlaps = (allowOverlappingAppointments: boolean) =>
    h.db.prisma.storeSettings.upsert({ where: { storeId: store.storeId }, create: { storeId: store.storeId, allowOverlappingAppointments }, update: { allowOverlappingAppointments } });
  return { ...store, contacts, service, call, book, allowOverlaps };
}

describe('overlapping appointments', () => {
  it('are refused with 409 naming the appointment overlapped; touching ones are fine', async () => {
    const s = await setup();
    const first = await s.book('2026-07-01T10:00:00Z');
    expect(first.status).toBe(201);

    for (const startsAt of ['2026-07-01T10:00:00Z', '2026-07-01T10:59:00Z', '2026-07-01T09:01:00Z']) {
      const res = await s.book(startsAt, s.contacts[1]);
      expect([startsAt, res.status, res.body.error?.code]).toEqual([startsAt, 409, 'CONFLICT']);
      expect(res.body.error.message).toContain(first.body.id);
      expect(res.body.error.message).toContain('2026-07-01T10:00:00.000Z');
      expect(res.body.error.details).toEqual({ appointmentId: first.body.id, startsAt: '2026-07-01T10:00:00.000Z', endsAt: '2026-07-01T11:00:00.000Z' });
    }
    // One containing the first entirely.
    expect((await s.book('2026-07-01T09:00:00Z', s.contacts[1], { endsAt: '2026-07-01T12:00:00Z' })).status).toBe(409);
    // Half-open: ending as it starts, or starting as it ends, is not an overlap.
    expect((await s.book('2026-07-01T09:00:00Z', s.contacts[1])).status).toBe(201);
    expect((await s.book('2026-07-01T11:00:00Z', s.contacts[1])).status).toBe(201);
    expect(await h.db.prisma.appointment.count({ where: { storeId: s.storeId } })).toBe(3);
  });

  it("are allowed when the store's settings say so", async () => {
    const s = await setup();
    await s.allowOverlaps(true);
    expect((await s.book('2026-07-01T10:00:00Z')).status).toBe(201);
    expect((await s.book('2026-07-01T10:30:00Z', s.contacts[1])).status).toBe(201);
    await s.allowOverlaps(false);
    expect((await s.book('2026-07-01T10:15:00Z', s.contacts[2])).status).toBe(409);
  });

  it("of another store don't count", async () => {
    const a = await setup();
    const b = await setup();
    expect((await a.book('2026-07-01T10:00:00Z')).status).toBe(201);
    expect((await b.book('2026-07-01T10:00:00Z')).status).toBe(201);
  });

  it('a cancelled or no-show appointment frees its time; un-cancelling it into a taken time is refused', async () => {
    const s = await setup();
    const first = (await s.book('2026-07-01T10:00:00Z')).body;
    const noShow = (await s.book('2026-07-01T14:00:00Z')).body;
    expect((await s.call('DELETE', `/${first.id}`)).status).toBe(200);
    expect((await s.call('PATCH', `/${noShow.id}`, { status: 'no_show' })).status).toBe(200);

    const second = await s.book('2026-07-01T10:30:00Z', s.contacts[1]);
    expect(second.status).toBe(201);
    expect((await s.book('2026-07-01T14:00:00Z', s.contacts[2])).status).toBe(201);
    // A cancelled one may be booked over the taken time (it holds none)…
    expect((await s.book('2026-07-01T10:30:00Z', s.contacts[3], { status: 'cancelled' })).status).toBe(201);

    // …but bringing one back needs its time free.
    const back = await s.call('PATCH', `/${first.id}`, { status: 'confirmed' });
    expect([back.status, back.body.error?.code]).toEqual([409, 'CONFLICT']);
    expect(back.body.error.message).toContain(second.body.id);
    expect((await h.db.prisma.appointment.findUnique({ where: { id: first.id } }))?.status).toBe('cancelled');
    // Back at a free time it is fine.
    expect((await s.call('PATCH', `/${first.id}`, { status: 'confirmed', startsAt: '2026-07-01T16:00:00Z' })).status).toBe(200);
  });

  it('a move into a taken time is refused and changes nothing; a move within its own time is fine', async () => {
    const s = await setup();
    const a = (await s.book('2026-07-01T10:00:00Z')).body;
    const b = (await s.book('2026-07-01T12:00:00Z', s.contacts[1])).body;
    const into = await s.call('PATCH', `/${b.id}`, { startsAt: '2026-07-01T10:30:00Z' });
    expect([into.status, into.body.error?.code]).toEqual([409, 'CONFLICT']);
    expect(into.body.error.message).toContain(a.id);
    expect((await s.call('PATCH', `/${b.id}`, { endsAt: '2026-07-01T10:30:00Z', startsAt: '2026-07-01T09:30:00Z' })).status).toBe(409);
    expect(await h.db.prisma.appointment.findUnique({ where: { id: b.id } })).toEqual(expect.objectContaining({ startsAt: new Date('2026-07-01T12:00:00Z'), endsAt: new Date('2026-07-01T13:00:00Z') }));
    // Overlapping its own old time is not an overlap.
    expect((await s.call('PATCH', `/${b.id}`, { startsAt: '2026-07-01T12:30:00Z' })).status).toBe(200);
    // Up to the other's start is fine.
    expect((await s.call('PATCH', `/${b.id}`, { startsAt: '2026-07-01T11:00:00Z' })).body.endsAt).toBe('2026-07-01T12:00:00.000Z');
  });
});

describe('concurrent bookings', () => {
  it('of 5 overlapping requests at once, exactly one is booked; the others get 409 naming it', async () => {
    const s = await setup();
    expect((await s.book('2026-06-01T10:00:00Z')).status).toBe(201); // warm: every burst below races from its first request
    for (let day = 1; day <= 5; day++) {
      const starts = [0, 10, 20, 30, 40].map((m) => `2026-07-0${day}T10:${String(m).padStart(2, '0')}:00Z`);
      const results = await Promise.all(starts.map((startsAt, i) => s.book(startsAt, s.contacts[i])));
      expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
      const winner = results.find((r) => r.status === 201)!.body;
      for (const r of results.filter((x) => x.status === 409)) expect(r.body.error.details.appointmentId).toBe(winner.id);
    }
    expect(await h.db.prisma.appointment.count({ where: { storeId: s.storeId } })).toBe(6);
  });

  it('of 5 moves into one free time at once, exactly one succeeds', async () => {
    const s = await setup();
    const booked = [];
    for (let i = 0; i < 5; i++) booked.push((await s.book(`2026-07-0${i + 1}T10:00:00Z`, s.contacts[i])).body.id as string);
    const results = await Promise.all(booked.map((id) => s.call('PATCH', `/${id}`, { startsAt: '2026-07-10T10:00:00Z' })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409]);
    expect(await h.db.prisma.appointment.count({ where: { storeId: s.storeId, startsAt: new Date('2026-07-10T10:00:00Z') } })).toBe(1);
  });

  it('a service deleted while it is being booked: one of them wins, never a 500', async () => {
    const s = await setup();
    for (let round = 0; round < 5; round++) {
      const service = await h.db.prisma.service.create({ data: { storeId: s.storeId, name: `Round ${round}`, durationMinutes: 30 } });
      const [deleted, booked] = await Promise.all([
        h.request('DELETE', `/api/client/${s.storeId}/services/${service.id}`, { key: s.apiKey }),
        s.call('POST', '', { contactId: s.contacts[0]!.id, serviceId: service.id, startsAt: `2026-08-0${round + 1}T10:00:00Z` }),
      ]);
      expect([[204, 404], [409, 201]]).toContainEqual([deleted.status, booked.status]);
    }
  });
});
