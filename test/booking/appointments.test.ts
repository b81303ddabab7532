// Appointments over HTTP: booking (the end from the service's duration), reading, changing,
// cancelling (PATCH or DELETE) with their events, bad input refused with nothing written, and
// another store's contacts, services and appointments out of reach.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AppointmentChangedEvent, DomainEventName } from '../../src/events/domain-events.js';
import { startAppHarness, type AppHarness } from '../support/app-harness.js';

let h: AppHarness;
const events: Array<{ type: DomainEventName; e: AppointmentChangedEvent }> = [];
beforeAll(async () => {
  h = await startAppHarness();
  for (const type of ['appointment.created', 'appointment.updated', 'appointment.cancelled'] as const) h.bus.on(type, 'test', (e) => void events.push({ type, e }));
});
afterAll(async () => h?.close());

const eventsOf = (appointmentId: string) => events.filter((x) => x.e.appointmentId === appointmentId).map((x) => x.type);

async function setup(name = 'Clínica') {
  const store = await h.services.stores.create(name, { actor: 'admin' });
  const contact = await h.db.prisma.contact.create({ data: { storeId: store.storeId, name: 'Ana', phone: '5511999990001' } });
  const service = await h.db.prisma.service.create({ data: { storeId: store.storeId, name: 'Consulta', priceCents: 20000, durationMinutes: 45 } });
  const base = `/api/client/${store.storeId}/appointments`;
  const call = (method: string, rest = '', body?: unknown) => h.request(method, base + rest, { key: store.apiKey, body });
  return { ...store, contact, service, call };
}

describe('booking', () => {
  it("ends at the start plus the service's duration, and emits appointment.created", async () => {
    const s = await setup();
    const res = await s.call('POST', '', { contactId: s.contact.id, serviceId: s.service.id, startsAt: '2026-07-01T10:00:00-03:00', notes: 'primeira vez' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual(expect.objectContaining({ contactId: s.contact.id, serviceId: s.service.id, startsAt: '2026-07-01T13:00:00.000Z', endsAt: '2026-07-01T13:45:00.000Z', status: 'scheduled', notes: 'primeira vez' }));
    expect((await s.call('GET', `/${res.body.id}`)).body).toEqual(res.body);
    await h.bus.drain();
    const created = events.find((x) => x.e.appointmentId === res.body.id)!;
    expect(created).toEqual({ type: 'appointment.created', e: expect.objectContaining({ storeId: s.storeId, contactId: s.contact.id, serviceId: s.service.id, status: 'scheduled', startsAt: new Date('2026-07-01T13:00:00Z'), endsAt: new Date('2026-07-01T13:45:00Z') }) });
  });

  it('takes an explicit end, a status, and no service', async () => {
    const s = await setup();
    const res = await s.call('POST', '', { contactId: s.contact.id, startsAt: '2026-07-01T10:00:00Z', endsAt: '2026-07-01T10:20:00Z', status: 'confirmed' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual(expect.objectContaining({ serviceId: null, endsAt: '2026-07-01T10:20:00.000Z', status: 'confirmed', notes: null }));
  });

  it('refuses an end at or before the start, and a missing end with no duration to take it from (400, nothing written)', async () => {
    const s = await setup();
    const noDuration = await h.db.prisma.service.create({ data: { storeId: s.storeId, name: 'Orçamento' } });
    const cases: Array<[unknown, RegExp]> = [
      [{ contactId: s.contact.id, startsAt: '2026-07-01T10:00:00Z', endsAt: '2026-07-01T10:00:00Z' }, /must be after startsAt/],
      [{ contactId: s.contact.id, startsAt: '2026-07-01T10:00:00Z', endsAt: '2026-07-01T09:00:00Z' }, /must be after startsAt/],
      // The same instant written in two offsets is still not after it.
      [{ contactId: s.contact.id, startsAt: '2026-07-01T10:00:00Z', endsAt: '2026-07-01T07:00:00-03:00' }, /must be after startsAt/],
      [{ contactId: s.contact.id, startsAt: '2026-07-01T10:00:00Z' }, /endsAt is required when no serviceId/],
      [{ contactId: s.contact.id, serviceId: noDuration.id, startsAt: '2026-07-01T10:00:00Z' }, new RegExp(`service ${noDuration.id} has no duration`)],
    ];
    for (const [body, message] of cases) {
      const res = await s.call('POST', '', body);
      expect([res.status, res.body.error?.code]).toEqual([400, 'VALIDATION_FAILED']);
      expect(res.body.error.message).toMatch(message);
      expect(res.body.error.details).toEqual([expect.objectContaining({ path: 'endsAt' })]);
    }
    expect(await h.db.prisma.appointment.count({ where: { storeId: s.storeId } })).toBe(0);
  });

  const BAD: Array<[string, (ids: { contactId: string; serviceId: string }) => unknown]> = [
    ['no contactId', () => ({ startsAt: '2026-07-01T10:00:00Z', endsAt: '2026-07-01T11:00:00Z' })],
    ['no startsAt', (i) => ({ contactId: i.contactId, endsAt: '2026-07-01T11:00:00Z' })],
    ['a local time without offset', (i) => ({ ...i, startsAt: '2026-07-01T10:00:00' })],
    ['a date only', (i) => ({ ...i, startsAt: '2026-07-01' })],
    ['30 February', (i) => ({ ...i, startsAt: '2026-02-30T10:00:00Z' })],
    ['month 13', (i) => ({ ...i, startsAt: '2026-13-01T10:00:00Z' })],
    ['hour 25', (i) => ({ ...i, startsAt: '2026-07-01T25:00:00Z' })],
    ['epoch millis', (i) => ({ ...i, startsAt: 1782900000000 })],
    ['words for a date', (i) => ({ ...i, startsAt: 'tomorrow at ten' })],
    ['a bad endsAt', (i) => ({ ...i, startsAt: '2026-07-01T10:00:00Z', endsAt: '2026-07-01T10:70:00Z' })],
    ['an unknown status', (i) => ({ ...i, startsAt: '2026-07-01T10:00:00Z', status: 'pending' })],
    ['a malformed contactId', (i) => ({ ...i, contactId: '../etc', startsAt: '2026-07-01T10:00:00Z' })],
    ['long notes', (i) => ({ ...i, startsAt: '2026-07-01T10:00:00Z', notes: 'x'.repeat(2001) })],
    ['a NUL in the notes', (i) => ({ ...i, startsAt: '2026-07-01T10:00:00Z', notes: 'a\u0000b' })],
    ['a lone surrogate in the notes', (i) => ({ ...i, startsAt: '2026-07-01T10:00:00Z', notes: 'oi \udc00' })],
    ['an unknown field', (i) => ({ ...i, startsAt: '2026-07-01T10:00:00Z', price: 10 })],
    ['a storeId in the body', (i) => ({ ...i, startsAt: '2026-07-01T10:00:00Z', storeId: 'x' })],
    ['an array', (i) => [{ ...i, startsAt: '2026-07-01T10:00:00Z' }]],
  ];
  it.each(BAD)('POST with %s → 400 in the error shape, nothing written', async (_label, body) => {
    const s = await setup();
    const res = await s.call('POST', '', body({ contactId: s.contact.id, serviceId: s.service.id }));
    expect(res.status).toBe(400);
    expect(Object.keys(res.body)).toEqual(['error']);
    expect(res.body.error).toEqual(expect.objectContaining({ code: 'VALIDATION_FAILED', message: expect.any(String), requestId: expect.any(String) }));
    expect(await h.db.prisma.appointment.count({ where: { storeId: s.storeId } })).toBe(0);
  });
});

describe('changing and cancelling', () => {
  it('moves (keeping the length), re-times from a new service, and edits notes, each an appointment.updated', async () => {
    const s = await setup();
    const longer = await h.db.prisma.service.create({ data: { storeId: s.storeId, name: 'Retorno', durationMinutes: 90 } });
    const a = (await s.call('POST', '', { contactId: s.contact.id, serviceId: s.service.id, startsAt: '2026-07-01T10:00:00Z' })).body;

    const moved = await s.call('PATCH', `/${a.id}`, { startsAt: '2026-07-01T14:00:00Z' });
    expect(moved.status).toBe(200);
    expect(moved.body).toEqual(expect.objectContaining({ startsAt: '2026-07-01T14:00:00.000Z', endsAt: '2026-07-01T14:45:00.000Z' }));

    const retimed = await s.call('PATCH', `/${a.id}`, { serviceId: longer.id });
    expect(retimed.body).toEqual(expect.objectContaining({ serviceId: longer.id, startsAt: '2026-07-01T14:00:00.000Z', endsAt: '2026-07-01T15:30:00.000Z' }));

    const noted = await s.call('PATCH', `/${a.id}`, { notes: 'trazer exames\n\tem jejum 🩸', status: 'confirmed' });
    expect(noted.body).toEqual(expect.objectContaining({ notes: 'trazer exames\n\tem jejum 🩸', status: 'confirmed', endsAt: '2026-07-01T15:30:00.000Z' }));

    const stored = await h.db.prisma.appointment.findUnique({ where: { id: a.id } });
    expect(stored).toEqual(expect.objectContaining({ serviceId: longer.id, startsAt: new Date('2026-07-01T14:00:00Z'), endsAt: new Date('2026-07-01T15:30:00Z'), status: 'confirmed' }));
    await h.bus.drain();
    expect(eventsOf(a.id)).toEqual(['appointment.created', 'appointment.updated', 'appointment.updated', 'appointment.updated']);
  });

  it('refuses a change ending at or before its start, an empty change, and unknown fields (400, nothing changed)', async () => {
    const s = await setup();
    const a = (await s.call('POST', '', { contactId: s.contact.id, serviceId: s.service.id, startsAt: '2026-07-01T10:00:00Z' })).body;
    for (const body of [{ endsAt: '2026-07-01T10:00:00Z' }, { endsAt: '2026-07-01T09:00:00Z' }, { startsAt: '2026-07-01T11:00:00Z', endsAt: '2026-07-01T10:59:00Z' }, {}, { contactId: s.contact.id }, { status: 'gone' }, { startsAt: '2026-07-01 10:00' }]) {
      const res = await s.call('PATCH', `/${a.id}`, body);
      expect([JSON.stringify(body), res.status, res.body.error?.code]).toEqual([JSON.stringify(body), 400, 'VALIDATION_FAILED']);
    }
    expect(await h.db.prisma.appointment.findUnique({ where: { id: a.id } })).toEqual(expect.objectContaining({ startsAt: new Date('2026-07-01T10:00:00Z'), endsAt: new Date('2026-07-01T10:45:00Z'), status: 'scheduled' }));
  });

  it('PATCH status cancelled and DELETE both cancel, once, emitting appointment.cancelled; the row stays', async () => {
    const s = await setup();
    const a = (await s.call('POST', '', { contactId: s.contact.id, serviceId: s.service.id, startsAt: '2026-07-01T10:00:00Z' })).body;
    const b = (await s.call('POST', '', { contactId: s.contact.id, serviceId: s.service.id, startsAt: '2026-07-01T12:00:00Z' })).body;

    const viaPatch = await s.call('PATCH', `/${a.id}`, { status: 'cancelled' });
    expect([viaPatch.status, viaPatch.body.status]).toEqual([200, 'cancelled']);
    const viaDelete = await s.call('DELETE', `/${b.id}`);
    expect([viaDelete.status, viaDelete.body.status]).toEqual([200, 'cancelled']);
    // Cancelling again changes nothing and tells no one.
    expect((await s.call('DELETE', `/${b.id}`)).body.status).toBe('cancelled');

    await h.bus.drain();
    expect(eventsOf(a.id)).toEqual(['appointment.created', 'appointment.cancelled']);
    expect(eventsOf(b.id)).toEqual(['appointment.created', 'appointment.cancelled']);
    expect(events.find((x) => x.e.appointmentId === b.id && x.type === 'appointment.cancelled')?.e.status).toBe('cancelled');
    expect(await h.db.prisma.appointment.count({ where: { storeId: s.storeId, status: 'cancelled' } })).toBe(2);
  });
});

describe("another store's records", () => {
  it("cannot be booked against or reached: 404 naming what is missing, never the other store's data", async () => {
    const a = await setup('A');
    const b = await setup('B');
    const theirs = (await a.call('POST', '', { contactId: a.contact.id, serviceId: a.service.id, startsAt: '2026-07-01T10:00:00Z' })).body;

    const withTheirContact = await b.call('POST', '', { contactId: a.contact.id, startsAt: '2026-07-01T10:00:00Z', endsAt: '2026-07-01T11:00:00Z' });
    expect([withTheirContact.status, withTheirContact.body.error.message]).toEqual([404, `Contact ${a.contact.id} not found in this store`]);
    const withTheirService = await b.call('POST', '', { contactId: b.contact.id, serviceId: a.service.id, startsAt: '2026-07-01T10:00:00Z' });
    expect([withTheirService.status, withTheirService.body.error.message]).toEqual([404, `Service ${a.service.id} not found in this store`]);
    expect(await h.db.prisma.appointment.count({ where: { storeId: b.storeId } })).toBe(0);

    for (const [method, body] of [['GET'], ['PATCH', { notes: 'mine now' }], ['DELETE']] as const) {
      const res = await b.call(method, `/${theirs.id}`, body);
      expect([method, res.status, res.body.error.code]).toEqual([method, 404, 'NOT_FOUND']);
      expect(JSON.stringify(res.body)).not.toContain(a.contact.id);
    }
    const mine = (await b.call('POST', '', { contactId: b.contact.id, serviceId: b.service.id, startsAt: '2026-07-02T10:00:00Z' })).body;
    expect((await b.call('PATCH', `/${mine.id}`, { serviceId: a.service.id })).status).toBe(404);
    expect((await b.call('GET', '')).body.data.map((x: { id: string }) => x.id)).toEqual([mine.id]);
    expect((await b.call('GET', `?contactId=${a.contact.id}`)).body.data).toEqual([]);
    expect(await h.db.prisma.appointment.findUnique({ where: { id: theirs.id } })).toEqual(expect.objectContaining({ status: 'scheduled', notes: null, storeId: a.storeId }));
  });

  it('unknown and malformed ids: 404 and 400', async () => {
    const s = await setup();
    expect((await s.call('GET', '/nosuchappointment')).status).toBe(404);
    expect((await s.call('PATCH', '/nosuchappointment', { notes: 'x' })).status).toBe(404);
    expect((await s.call('DELETE', '/nosuchappointment')).status).toBe(404);
    expect((await s.call('GET', `/${encodeURIComponent('a;b')}`)).status).toBe(400);
    expect((await s.call('POST', '', { contactId: 'nosuchcontact', startsAt: '2026-07-01T10:00:00Z', endsAt: '2026-07-01T11:00:00Z' })).status).toBe(404);
  });
});
