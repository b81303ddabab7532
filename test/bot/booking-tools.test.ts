// The bot's booking tools over the real booking domain and the store's real settings row: free
// times within working hours, around appointments and after now; booking and cancelling only what
// an earlier turn showed the customer; refusals and failures as results, never exceptions.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { toolDeclaration, type BotTool, type RecordedToolCall, type ToolContext } from '../../src/bot/bot-tool.js';
import { createBookingTools, type BookingToolsDeps } from '../../src/bot/tools/booking-tools.js';
import { AppError, ErrorCode } from '../../src/kernel/index.js';
import { createSettingsRepo } from '../../src/settings/index.js';
import { startAppHarness, type AppHarness } from '../support/app-harness.js';

let h: AppHarness;
let deps: BookingToolsDeps;
const handOffs: { ctx: ToolContext; reason: string }[] = [];

beforeAll(async () => {
  h = await startAppHarness();
  const settings = createSettingsRepo(h.db.prisma);
  deps = {
    booking: h.services.booking,
    storeSettings: (storeId) => settings.read(storeId),
    handOff: async (ctx, reason) => {
      handOffs.push({ ctx, reason });
    },
  };
});
afterAll(async () => h?.close());

const byName = (tools: BotTool[], name: string) => tools.find((t) => t.name === name)!;

// 2026-07-01 is a Wednesday; São Paulo is UTC-03:00. Open 09–12 and 14–18 on Wednesdays only.
const DAY = '2026-07-01';
const local = (hhmm: string) => `${DAY}T${hhmm}:00-03:00`;
const BEFORE_THE_DAY = new Date('2026-06-30T12:00:00Z');

async function setup(opts: { allowOverlappingAppointments?: boolean } = {}) {
  const { storeId } = await h.services.stores.create('Salão', { actor: 'admin' });
  const [ana, bia] = await Promise.all(['Ana', 'Bia'].map((name) => h.db.prisma.contact.create({ data: { storeId, name } })));
  const cut = await h.db.prisma.service.create({ data: { storeId, name: 'Corte', priceCents: 5000, currency: 'BRL', durationMinutes: 60 } });
  await h.db.prisma.service.create({ data: { storeId, name: 'Antigo', priceCents: 100, currency: 'BRL', durationMinutes: 30, active: false } });
  const settings = {
    timezone: 'America/Sao_Paulo',
    workingHours: { wed: [{ open: '09:00', close: '12:00' }, { open: '14:00', close: '18:00' }] },
    allowOverlappingAppointments: opts.allowOverlappingAppointments ?? false,
  };
  await h.db.prisma.storeSettings.upsert({ where: { storeId }, create: { storeId, ...settings }, update: settings });
  const tools = createBookingTools(deps);
  let turns = 0;
  const ctx = (over: Partial<ToolContext> = {}): ToolContext => ({
    storeId,
    contactId: ana!.id,
    conversationId: 'conversation-1',
    turnId: `turn-${++turns}`,
    slot: 1,
    now: BEFORE_THE_DAY,
    earlierCalls: [],
    ...over,
  });
  /** Calls a tool as the worker does: arguments through its schema first. */
  const call = (name: string, args: unknown, c: ToolContext = ctx()) => {
    const tool = byName(tools, name);
    return tool.run(tool.parameters.parse(args), c);
  };
  /** A call run in its own (earlier) turn, recorded as the worker keeps it. */
  const earlier = async (name: string, args: unknown, c: ToolContext = ctx()): Promise<RecordedToolCall> => ({
    turnId: c.turnId,
    name,
    arguments: args,
    result: await call(name, args, c),
    at: c.now.toISOString(),
  });
  const book = (contactId: string, startsAt: string, endsAt?: string) =>
    h.services.booking.appointments.create(storeId, { contactId, serviceId: cut.id, startsAt: new Date(startsAt), ...(endsAt ? { endsAt: new Date(endsAt) } : {}) });
  return { storeId, ana: ana!, bia: bia!, cut, tools, ctx, call, earlier, book };
}

describe('list_services', () => {
  it("lists the store's active services with their price in pt-BR and duration", async () => {
    const s = await setup();
    const res = await s.call('list_services', {});
    expect(res).toEqual({
      ok: true,
      services: [{ id: s.cut.id, name: 'Corte', description: null, price: { cents: 5000, currency: 'BRL', formatted: 'R$ 50,00' }, durationMinutes: 60 }],
    });
  });
});

describe('check_availability', () => {
  it('offers the starts within working hours on the grid of the service, in the store time zone', async () => {
    const s = await setup();
    const res = await s.call('check_availability', { serviceId: s.cut.id, date: DAY });
    expect(res).toMatchObject({
      ok: true,
      service: { id: s.cut.id, name: 'Corte', durationMinutes: 60 },
      timezone: 'America/Sao_Paulo',
      openingHours: [{ from: '09:00', to: '12:00' }, { from: '14:00', to: '18:00' }],
      freeStarts: ['09:00', '10:00', '11:00', '14:00', '15:00', '16:00', '17:00'].map(local),
    });
    expect(res).not.toHaveProperty('requested');
    // Thursday: closed.
    expect(await s.call('check_availability', { serviceId: s.cut.id, date: '2026-07-02' })).toMatchObject({ ok: true, openingHours: [], freeStarts: [] });
  });

  it('leaves out the times appointments hold (cancelled ones hold none), and the past', async () => {
    const s = await setup();
    await s.book(s.bia.id, local('10:00'));
    await s.book(s.bia.id, local('13:30')); // until 14:30: 14:00 is taken, though it began before opening
    const cancelled = await s.book(s.bia.id, local('16:00'));
    await h.services.booking.appointments.cancel(s.storeId, cancelled.id);
    const now = new Date(local('09:10')); // 09:00 has begun
    const res = await s.call('check_availability', { serviceId: s.cut.id, date: DAY }, s.ctx({ now }));
    expect(res.freeStarts).toEqual(['11:00', '15:00', '16:00', '17:00'].map(local));
  });

  it('does not leave out booked times when the store allows overlapping appointments', async () => {
    const s = await setup({ allowOverlappingAppointments: true });
    await s.book(s.bia.id, local('10:00'));
    expect((await s.call('check_availability', { serviceId: s.cut.id, date: DAY })).freeStarts).toContain(local('10:00'));
  });

  it('answers for the time asked: free (on the grid or off it), taken, outside working hours or past', async () => {
    const s = await setup();
    await s.book(s.bia.id, local('10:00'));
    const ask = async (time: string, now = BEFORE_THE_DAY) => (await s.call('check_availability', { serviceId: s.cut.id, date: DAY, time }, s.ctx({ now }))).requested;
    expect(await ask('11:00')).toEqual({ startsAt: local('11:00'), free: true });
    expect(await ask('14:30')).toEqual({ startsAt: local('14:30'), free: true });
    expect(await ask('10:30')).toEqual({ startsAt: local('10:30'), free: false, reason: 'taken' });
    expect(await ask('11:30')).toEqual({ startsAt: local('11:30'), free: false, reason: 'outside_working_hours' }); // ends 12:30
    expect(await ask('20:00')).toEqual({ startsAt: local('20:00'), free: false, reason: 'outside_working_hours' });
    expect(await ask('11:00', new Date(local('11:05')))).toEqual({ startsAt: local('11:00'), free: false, reason: 'in_the_past' });
  });

  it('refuses a service that is unknown or inactive', async () => {
    const s = await setup();
    const inactive = await h.db.prisma.service.findFirstOrThrow({ where: { storeId: s.storeId, active: false } });
    for (const serviceId of ['nope', inactive.id]) {
      expect(await s.call('check_availability', { serviceId, date: DAY })).toMatchObject({ ok: false, reason: 'unknown_service' });
    }
  });
});

describe('book_appointment', () => {
  it("books a time an earlier turn offered, for the conversation's contact", async () => {
    const s = await setup();
    const offer = await s.earlier('check_availability', { serviceId: s.cut.id, date: DAY });
    const res = await s.call('book_appointment', { serviceId: s.cut.id, startsAt: local('11:00') }, s.ctx({ earlierCalls: [offer] }));
    expect(res).toEqual({ ok: true, appointment: { id: expect.any(String), startsAt: local('11:00'), endsAt: local('12:00'), service: { id: s.cut.id, name: 'Corte' } } });
    const row = await h.db.prisma.appointment.findUniqueOrThrow({ where: { id: (res.appointment as { id: string }).id } });
    expect(row).toMatchObject({ storeId: s.storeId, contactId: s.ana.id, serviceId: s.cut.id, status: 'scheduled', startsAt: new Date('2026-07-01T14:00:00Z'), endsAt: new Date('2026-07-01T15:00:00Z') });
  });

  it('books the time the customer asked for when an earlier turn found it free, in any offset', async () => {
    const s = await setup();
    const offer = await s.earlier('check_availability', { serviceId: s.cut.id, date: DAY, time: '14:30' });
    const res = await s.call('book_appointment', { serviceId: s.cut.id, startsAt: '2026-07-01T17:30:00Z' }, s.ctx({ earlierCalls: [offer] }));
    expect(res).toMatchObject({ ok: true, appointment: { startsAt: local('14:30') } });
  });

  it('refuses a time no earlier turn offered: not looked up, looked up in this very turn, for another service, or asked and not free', async () => {
    const s = await setup();
    const other = await h.db.prisma.service.create({ data: { storeId: s.storeId, name: 'Barba', durationMinutes: 60 } });
    const sameTurn = s.ctx();
    const cases: RecordedToolCall[][] = [
      [],
      [await s.earlier('check_availability', { serviceId: s.cut.id, date: DAY }, sameTurn)],
      [await s.earlier('check_availability', { serviceId: other.id, date: DAY })],
      [await s.earlier('check_availability', { serviceId: s.cut.id, date: '2026-07-08' })],
    ];
    for (const earlierCalls of cases) {
      const c = earlierCalls.length === 1 && earlierCalls[0]!.turnId === sameTurn.turnId ? { ...sameTurn, earlierCalls } : s.ctx({ earlierCalls });
      expect(await s.call('book_appointment', { serviceId: s.cut.id, startsAt: local('11:00') }, c)).toMatchObject({ ok: false, reason: 'not_confirmed' });
    }
    // Asked for 10:00 while it was taken (and since freed): the answer was "taken", not an offer.
    const taken = await s.book(s.bia.id, local('10:00'));
    const asked = await s.earlier('check_availability', { serviceId: s.cut.id, date: DAY, time: '10:00' });
    await h.services.booking.appointments.cancel(s.storeId, taken.id);
    expect(asked.result).toMatchObject({ requested: { free: false, reason: 'taken' } });
    expect(await s.call('book_appointment', { serviceId: s.cut.id, startsAt: local('10:00') }, s.ctx({ earlierCalls: [asked] }))).toMatchObject({ ok: false, reason: 'not_confirmed' });
    expect(await h.db.prisma.appointment.count({ where: { storeId: s.storeId, contactId: s.ana.id } })).toBe(0);
  });

  it('refuses a time outside working hours or past, even one recorded as offered', async () => {
    const s = await setup();
    const offer = await s.earlier('check_availability', { serviceId: s.cut.id, date: DAY });
    const forged = { ...offer, result: { ...offer.result, freeStarts: [local('12:30'), local('11:30')] } };
    for (const startsAt of [local('12:30'), local('11:30')]) {
      expect(await s.call('book_appointment', { serviceId: s.cut.id, startsAt }, s.ctx({ earlierCalls: [forged] }))).toMatchObject({ ok: false, reason: 'outside_working_hours' });
    }
    const late = s.ctx({ earlierCalls: [offer], now: new Date(local('11:01')) });
    expect(await s.call('book_appointment', { serviceId: s.cut.id, startsAt: local('11:00') }, late)).toMatchObject({ ok: false, reason: 'in_the_past' });
  });

  it('refuses a time someone else booked since it was offered', async () => {
    const s = await setup();
    const offer = await s.earlier('check_availability', { serviceId: s.cut.id, date: DAY });
    await s.book(s.bia.id, local('15:30'));
    const res = await s.call('book_appointment', { serviceId: s.cut.id, startsAt: local('15:00') }, s.ctx({ earlierCalls: [offer] }));
    expect(res).toMatchObject({ ok: false, reason: 'taken' });
    expect(await h.db.prisma.appointment.count({ where: { storeId: s.storeId, contactId: s.ana.id } })).toBe(0);
  });

  it('refuses an unknown service', async () => {
    const s = await setup();
    expect(await s.call('book_appointment', { serviceId: 'nope', startsAt: local('11:00') })).toMatchObject({ ok: false, reason: 'unknown_service' });
  });
});

describe('list_my_appointments and cancel_appointment', () => {
  it("list the contact's own upcoming appointments, and cancel one only when an earlier turn listed it", async () => {
    const s = await setup();
    const mine = await s.book(s.ana.id, local('09:00'));
    const theirs = await s.book(s.bia.id, local('14:00'));
    const listing = await s.earlier('list_my_appointments', {});
    expect(listing.result).toEqual({
      ok: true,
      timezone: 'America/Sao_Paulo',
      appointments: [{ id: mine.id, service: { id: s.cut.id, name: 'Corte' }, startsAt: local('09:00'), endsAt: local('10:00'), status: 'scheduled' }],
    });

    // Someone else's, even "listed": as if it did not exist.
    const forged = { ...listing, result: { ok: true, appointments: [{ id: theirs.id }] } };
    expect(await s.call('cancel_appointment', { appointmentId: theirs.id }, s.ctx({ earlierCalls: [forged] }))).toMatchObject({ ok: false, reason: 'not_found' });
    // Own, but not shown in an earlier turn (nor when shown in this very turn).
    expect(await s.call('cancel_appointment', { appointmentId: mine.id })).toMatchObject({ ok: false, reason: 'not_confirmed' });
    const sameTurn = s.ctx();
    const listedNow = await s.earlier('list_my_appointments', {}, sameTurn);
    expect(await s.call('cancel_appointment', { appointmentId: mine.id }, { ...sameTurn, earlierCalls: [listedNow] })).toMatchObject({ ok: false, reason: 'not_confirmed' });
    expect((await h.db.prisma.appointment.findUniqueOrThrow({ where: { id: mine.id } })).status).toBe('scheduled');

    const res = await s.call('cancel_appointment', { appointmentId: mine.id }, s.ctx({ earlierCalls: [listing] }));
    expect(res).toMatchObject({ ok: true, appointment: { id: mine.id, status: 'cancelled', startsAt: local('09:00') } });
    expect((await h.db.prisma.appointment.findUniqueOrThrow({ where: { id: mine.id } })).status).toBe('cancelled');
    expect((await h.db.prisma.appointment.findUniqueOrThrow({ where: { id: theirs.id } })).status).toBe('scheduled');
    // Cancelled, it is no longer upcoming.
    expect(await s.call('list_my_appointments', {})).toMatchObject({ ok: true, appointments: [] });
    expect(await s.call('cancel_appointment', { appointmentId: mine.id }, s.ctx({ earlierCalls: [listing] }))).toMatchObject({ ok: false, reason: 'not_found' });
  });

  it('leave out appointments that have ended', async () => {
    const s = await setup();
    await s.book(s.ana.id, local('09:00'));
    expect(await s.call('list_my_appointments', {}, s.ctx({ now: new Date(local('10:00')) }))).toMatchObject({ ok: true, appointments: [] });
  });
});

describe('hand_off_to_human', () => {
  it('hands the conversation off through the given function', async () => {
    const s = await setup();
    const c = s.ctx();
    expect(await s.call('hand_off_to_human', { reason: 'wants to talk about a refund' }, c)).toEqual({ ok: true });
    expect(handOffs.at(-1)).toEqual({ ctx: c, reason: 'wants to talk about a refund' });
  });
});

describe('failures', () => {
  it('become results: an AppError with its message, anything else without internals, each told to onFailure', async () => {
    const s = await setup();
    const failures: { tool: string; error: unknown }[] = [];
    const failing = (error: Error) =>
      createBookingTools({ ...deps, storeSettings: async () => Promise.reject(error), onFailure: ({ tool, error }) => failures.push({ tool, error }) });
    const run = (tools: BotTool[], name: string, args: unknown) => byName(tools, name).run(args, s.ctx());

    const appError = new AppError(ErrorCode.SERVICE_UNAVAILABLE, 'The database is unavailable; try again shortly');
    expect(await run(failing(appError), 'check_availability', { serviceId: s.cut.id, date: DAY })).toEqual({ ok: false, reason: 'error', message: appError.message });
    const res = await run(failing(new Error('connection terminated: secret host 10.0.0.7')), 'list_my_appointments', {});
    expect(res).toMatchObject({ ok: false, reason: 'error' });
    expect(String(res.message)).not.toContain('10.0.0.7');
    expect(failures.map((f) => f.tool)).toEqual(['check_availability', 'list_my_appointments']);
  });
});

describe('parameters', () => {
  it("refuse arguments of the wrong shape (the worker's zod check)", async () => {
    const s = await setup();
    const rejects = (name: string, args: unknown) => expect(byName(s.tools, name).parameters.safeParse(args).success).toBe(false);
    rejects('list_services', { extra: 1 });
    rejects('check_availability', { serviceId: s.cut.id, date: '01/07/2026' });
    rejects('check_availability', { serviceId: s.cut.id, date: '2026-02-30' });
    rejects('check_availability', { serviceId: s.cut.id, date: DAY, time: '9:00' });
    rejects('check_availability', { serviceId: 42, date: DAY });
    rejects('book_appointment', { serviceId: s.cut.id, startsAt: '2026-07-01T10:00:00' }); // no offset
    rejects('book_appointment', { serviceId: s.cut.id });
    rejects('list_my_appointments', { contactId: s.bia.id });
    rejects('cancel_appointment', { appointmentId: 5 });
    rejects('hand_off_to_human', { reason: '' });
  });

  it('are declared as JSON schemas with their fields', () => {
    const declared = Object.fromEntries(
      createBookingTools(deps).map((t) => {
        const { function: f } = toolDeclaration(t) as unknown as { function: { name: string; description: string; parameters: { type: string; properties: Record<string, { description?: string }>; required?: string[] } } };
        expect([f.name, f.description.length > 20, f.parameters.type]).toEqual([t.name, true, 'object']);
        for (const [field, schema] of Object.entries(f.parameters.properties)) expect([field, typeof schema.description]).toEqual([field, 'string']);
        return [f.name, { fields: Object.keys(f.parameters.properties), required: f.parameters.required ?? [] }];
      }),
    );
    expect(declared).toEqual({
      list_services: { fields: [], required: [] },
      check_availability: { fields: ['serviceId', 'date', 'time'], required: ['serviceId', 'date'] },
      book_appointment: { fields: ['serviceId', 'startsAt'], required: ['serviceId', 'startsAt'] },
      list_my_appointments: { fields: [], required: [] },
      cancel_appointment: { fields: ['appointmentId'], required: ['appointmentId'] },
      hand_off_to_human: { fields: ['reason'], required: ['reason'] },
    });
  });
});
