// The CRM provider's tools over the real daemon services and a database of this file's own: each
// answers what the store's rows say, in the shape its output schema promises; refusals (an
// overlapping booking, an unknown or another store's id) are AppErrors an agent can read; and a
// tool only ever sees the store its call names.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DateTime } from 'luxon';
import { pino } from 'pino';
import { ZodError } from 'zod';
import { AppError } from '../../src/kernel/index.js';
import type { McpTool } from '../../src/mcp/provider.js';
import { crmProvider } from '../../src/mcp/providers/crm/index.js';
import type { McpServices } from '../../src/mcp/services.js';
import { createSummaryRepo, createSummaryService } from '../../src/summary/index.js';
import { makeConversation, makeMessage } from '../contacts/contact-factories.js';
import { startAppHarness, type AppHarness } from '../support/app-harness.js';
import { caught } from '../support/caught.js';
import { makeStore } from '../support/factories.js';
import { runTool } from './run-tool.js';

let h: AppHarness;
let services: McpServices;
beforeAll(async () => {
  h = await startAppHarness();
  // The summary service is not among the harness's services: built as composition.ts builds it.
  const summary = createSummaryService({ repo: createSummaryRepo(h.db.prisma), appointments: h.services.booking.reads });
  const { booking, contacts, conversations, messages, outbound, sessions } = h.services;
  services = { booking, contacts, conversations, messages, outbound, sessions, summary, egress: { allowPrivateUrls: false, timeoutMs: 1000 } };
});
afterAll(async () => h?.close());

const ZONE = 'America/Sao_Paulo'; // a new store's time zone

/** The store's tools, by name, as the endpoint would build them for a connection of the store. */
function toolsOf(storeId: string): Record<string, McpTool> {
  const tools = crmProvider.tools({ storeId, connectionId: 'c', config: {}, secret: {}, services, log: pino({ level: 'silent' }) });
  return Object.fromEntries(tools.map((t) => [t.name, t]));
}

const call = (tools: Record<string, McpTool>, name: string, args: unknown = {}) => runTool(tools[name]!, args);

async function refusal(run: () => Promise<unknown>): Promise<AppError> {
  const err = await caught(run);
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

/** A store with services, two contacts with conversations and messages, a snapshot, and appointments. */
async function seed() {
  const store = await makeStore(h.services);
  const { storeId } = store;
  const p = h.db.prisma;
  const { booking, contacts } = h.services;
  const corte = await booking.services.create(storeId, { name: 'Corte', priceCents: 4500, currency: 'BRL', durationMinutes: 45 });
  const barba = await booking.services.create(storeId, { name: 'Barba', priceCents: 2500, currency: 'BRL', durationMinutes: 30, active: false });
  const consulta = await booking.services.create(storeId, { name: 'Consulta', description: 'Primeira conversa' });
  const ana = await contacts.create(storeId, { name: 'Ana Souza', phone: '+55 11 91111-0000', tags: ['vip'], notes: 'prefere manhãs' });
  const bia = await contacts.create(storeId, { name: 'Bia Lima', phone: '(11) 92222-0000' });

  const now = Date.now();
  const anaThread = await makeConversation(h, storeId, ana.id, { unreadCount: 2, lastMessageAt: new Date(now - 60_000) });
  await makeMessage(h, storeId, ana.id, anaThread.id, { direction: 'outbound', text: 'Olá Ana!', sentAt: new Date(now - 180_000) });
  await makeMessage(h, storeId, ana.id, anaThread.id, { text: 'tem horário amanhã?', sentAt: new Date(now - 120_000) });
  await makeMessage(h, storeId, ana.id, anaThread.id, { text: 'de manhã', sentAt: new Date(now - 60_000) });
  const biaThread = await makeConversation(h, storeId, bia.id, { lastMessageAt: new Date(now - 600_000) });
  await makeMessage(h, storeId, bia.id, biaThread.id, { direction: 'outbound', text: 'Até sexta!', sentAt: new Date(now - 600_000) });
  await makeConversation(h, storeId, bia.id, { status: 'closed', unreadCount: 4, startedAt: new Date(now - 86_400_000), lastMessageAt: new Date(now - 86_400_000) });
  const snapshot = await p.aiSnapshot.create({
    data: { storeId, contactId: ana.id, conversationId: anaThread.id, summary: 'Cliente fiel, corta a cada mês.', flags: { noShowRisk: 'low', preferences: ['manhãs'], objections: [], sentiment: 'positive' }, model: 'm', reason: 'manual' },
  });

  // A day a month ahead (UTC), and today's first half hour in the store's zone (never upcoming).
  const day = DateTime.utc().plus({ days: 30 }).startOf('day');
  const anaCorte = await booking.appointments.create(storeId, { contactId: ana.id, serviceId: corte.id, startsAt: day.set({ hour: 13 }).toJSDate(), notes: 'trazer foto' });
  const biaConsulta = await booking.appointments.create(storeId, { contactId: bia.id, serviceId: consulta.id, startsAt: day.set({ hour: 15 }).toJSDate(), endsAt: day.set({ hour: 16 }).toJSDate() });
  const todayStart = DateTime.now().setZone(ZONE).startOf('day');
  const earlyToday = await booking.appointments.create(storeId, { contactId: bia.id, startsAt: todayStart.toJSDate(), endsAt: todayStart.plus({ minutes: 30 }).toJSDate(), status: 'done' });
  return { ...store, tools: toolsOf(storeId), corte, barba, consulta, ana, bia, anaThread, biaThread, snapshot, day, anaCorte, biaConsulta, earlyToday };
}

type Seeded = Awaited<ReturnType<typeof seed>>;
let s: Seeded;
let other: Seeded;
beforeAll(async () => {
  s = await seed();
  other = await seed();
});

describe('the CRM provider', () => {
  it('is the crm provider, with no settings or secret, and honest hints', () => {
    expect({ key: crmProvider.key, name: crmProvider.name, version: crmProvider.version }).toEqual({ key: 'crm', name: 'CRM', version: '1.0.0' });
    expect(crmProvider.config.parse({})).toEqual({});
    expect(() => crmProvider.config.parse({ extra: 1 })).toThrow(ZodError);
    expect(crmProvider.secret.parse({})).toEqual({});
    const hints = Object.fromEntries(Object.values(s.tools).map((t) => [t.name, t.hints]));
    const read = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };
    expect(hints).toEqual({
      list_services: read,
      list_appointments: read,
      create_appointment: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
      update_appointment: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
      get_contact_profile: read,
      inbox_summary: read,
      store_summary: read,
    });
    for (const t of Object.values(s.tools)) expect([t.name, t.title.length > 0, t.description.length > 40]).toEqual([t.name, true, true]);
  });
});

describe('list_services', () => {
  it('lists the active services with their price, all of them when asked, a page at a time', async () => {
    const active = await call(s.tools, 'list_services');
    expect(active).toEqual({
      services: [
        { id: s.corte.id, name: 'Corte', description: null, durationMinutes: 45, price: { cents: 4500, currency: 'BRL', formatted: 'R$ 45,00' }, active: true },
        { id: s.consulta.id, name: 'Consulta', description: 'Primeira conversa', durationMinutes: null, price: null, active: true },
      ],
      nextCursor: null,
    });
    const all = await call(s.tools, 'list_services', { includeInactive: true });
    expect(all.services.map((x: { name: string }) => x.name)).toEqual(['Corte', 'Barba', 'Consulta']);
    const first = await call(s.tools, 'list_services', { includeInactive: true, limit: 2 });
    expect(first.services).toHaveLength(2);
    const rest = await call(s.tools, 'list_services', { includeInactive: true, limit: 2, cursor: first.nextCursor });
    expect(rest).toMatchObject({ services: [{ name: 'Consulta' }], nextCursor: null });
    const bad = await refusal(() => call(s.tools, 'list_services', { cursor: 'nonsense' }));
    expect([bad.code, bad.message]).toEqual(['VALIDATION_FAILED', expect.stringContaining('cursor')]);
  });
});

describe('list_appointments', () => {
  it('lists the upcoming ones by default, with contact and service; by day, contact and status', async () => {
    const upcoming = await call(s.tools, 'list_appointments');
    expect(upcoming).toEqual({
      appointments: [
        {
          id: s.anaCorte.id, contact: { id: s.ana.id, name: 'Ana Souza', phone: '+5511911110000' }, service: { id: s.corte.id, name: 'Corte' },
          startsAt: s.anaCorte.startsAt, endsAt: s.day.set({ hour: 13, minute: 45 }).toJSDate().toISOString(), status: 'scheduled', notes: 'trazer foto', createdAt: s.anaCorte.createdAt, updatedAt: s.anaCorte.updatedAt,
        },
        {
          id: s.biaConsulta.id, contact: { id: s.bia.id, name: 'Bia Lima', phone: '+5511922220000' }, service: { id: s.consulta.id, name: 'Consulta' },
          startsAt: s.biaConsulta.startsAt, endsAt: s.biaConsulta.endsAt, status: 'scheduled', notes: null, createdAt: s.biaConsulta.createdAt, updatedAt: s.biaConsulta.updatedAt,
        },
      ],
      nextCursor: null,
    });
    const ids = (r: { appointments: { id: string }[] }) => r.appointments.map((a) => a.id);
    const today = DateTime.now().setZone(ZONE).toISODate();
    expect(ids(await call(s.tools, 'list_appointments', { day: today }))).toEqual([s.earlyToday.id]);
    expect((await call(s.tools, 'list_appointments', { day: today })).appointments[0]).toMatchObject({ service: null, status: 'done', contact: { name: 'Bia Lima' } });
    expect(ids(await call(s.tools, 'list_appointments', { contactId: s.bia.id }))).toEqual([s.biaConsulta.id]);
    expect(ids(await call(s.tools, 'list_appointments', { contactId: s.bia.id, from: '2000-01-01T00:00:00Z' }))).toEqual([s.earlyToday.id, s.biaConsulta.id]);
    expect(ids(await call(s.tools, 'list_appointments', { status: 'done', from: '2000-01-01T00:00:00Z' }))).toEqual([s.earlyToday.id]);
    const window = { from: s.day.set({ hour: 14 }).toISO(), to: s.day.plus({ days: 1 }).toISO() };
    expect(ids(await call(s.tools, 'list_appointments', window))).toEqual([s.biaConsulta.id]);
    const page = await call(s.tools, 'list_appointments', { limit: 1 });
    expect(ids(page)).toEqual([s.anaCorte.id]);
    expect(ids(await call(s.tools, 'list_appointments', { limit: 1, cursor: page.nextCursor }))).toEqual([s.biaConsulta.id]);
    expect(() => s.tools.list_appointments!.input.parse({ day: today, from: window.from })).toThrow(ZodError);
  });

  it("sees only its store's: another store's contact is not found", async () => {
    const theirs = await refusal(() => call(s.tools, 'list_appointments', { contactId: other.ana.id }));
    expect(theirs.code).toBe('NOT_FOUND');
    const mine = await call(other.tools, 'list_appointments');
    expect(mine.appointments.map((a: { id: string }) => a.id)).toEqual([other.anaCorte.id, other.biaConsulta.id]);
  });
});

describe('create_appointment', () => {
  it('books by contact id or phone through the booking rules: an overlap is refused, naming the one in the way', async () => {
    const t = await seed();
    const at = t.day.set({ hour: 18 });
    const byPhone = await call(t.tools, 'create_appointment', { phone: '11 92222-0000', serviceId: t.corte.id, startsAt: at.toISO(), notes: 'primeira vez' });
    expect(byPhone.appointment).toMatchObject({
      contact: { id: t.bia.id, name: 'Bia Lima', phone: '+5511922220000' }, service: { id: t.corte.id, name: 'Corte' },
      startsAt: at.toJSDate().toISOString(), endsAt: at.plus({ minutes: 45 }).toJSDate().toISOString(), status: 'scheduled', notes: 'primeira vez',
    });
    expect(await h.db.prisma.appointment.findUnique({ where: { id: byPhone.appointment.id } })).toMatchObject({ storeId: t.storeId, contactId: t.bia.id });

    // Ana's Corte holds 13:00–13:45 that day.
    const overlap = await refusal(() => call(t.tools, 'create_appointment', { contactId: t.bia.id, serviceId: t.corte.id, startsAt: t.day.set({ hour: 13, minute: 30 }).toISO() }));
    expect(overlap.code).toBe('CONFLICT');
    expect(overlap.message).toContain(t.anaCorte.id);
    expect(overlap.message).toMatch(/overlaps/);
    // Ending as it starts is fine; without a service, the end is needed (the booking's readable 400).
    const before = await call(t.tools, 'create_appointment', { contactId: t.bia.id, startsAt: t.day.set({ hour: 12 }).toISO(), endsAt: t.day.set({ hour: 13 }).toISO() });
    expect(before.appointment).toMatchObject({ service: null, contact: { id: t.bia.id } });
    const noEnd = await refusal(() => call(t.tools, 'create_appointment', { contactId: t.bia.id, serviceId: t.consulta.id, startsAt: t.day.set({ hour: 20 }).toISO() }));
    expect([noEnd.code, noEnd.message]).toEqual(['VALIDATION_FAILED', expect.stringContaining('endsAt is required')]);
    const inactive = await refusal(() => call(t.tools, 'create_appointment', { contactId: t.bia.id, serviceId: t.barba.id, startsAt: t.day.set({ hour: 20 }).toISO() }));
    expect([inactive.code, inactive.message]).toEqual(['CONFLICT', expect.stringContaining('inactive')]);
    expect(await h.db.prisma.appointment.count({ where: { storeId: t.storeId } })).toBe(5);
  });

  it("refuses another store's contact or service, and a phone no contact has; needs exactly one of contactId and phone", async () => {
    const t = await seed();
    const startsAt = t.day.set({ hour: 19 }).toISO();
    const theirContact = await refusal(() => call(t.tools, 'create_appointment', { contactId: other.ana.id, serviceId: t.corte.id, startsAt }));
    expect(theirContact.code).toBe('NOT_FOUND');
    const theirService = await refusal(() => call(t.tools, 'create_appointment', { contactId: t.ana.id, serviceId: other.corte.id, startsAt }));
    expect([theirService.code, theirService.message]).toEqual(['NOT_FOUND', `Service ${other.corte.id} not found in this store`]);
    const unknown = await refusal(() => call(t.tools, 'create_appointment', { phone: '+55 11 93333-0000', serviceId: t.corte.id, startsAt }));
    expect([unknown.code, unknown.message]).toEqual(['NOT_FOUND', 'No contact of this store has the phone +55 11 93333-0000']);
    const fragment = await refusal(() => call(t.tools, 'create_appointment', { phone: '0000', serviceId: t.corte.id, startsAt }));
    expect(fragment.code).toBe('VALIDATION_FAILED');
    expect(() => t.tools.create_appointment!.input.parse({ contactId: t.ana.id, phone: '11911110000', startsAt })).toThrow(ZodError);
    expect(() => t.tools.create_appointment!.input.parse({ serviceId: t.corte.id, startsAt })).toThrow(ZodError);
    expect(() => t.tools.create_appointment!.input.parse({ contactId: t.ana.id, startsAt: '2026-07-01T10:00:00' })).toThrow(ZodError); // no offset
    expect(() => t.tools.create_appointment!.input.parse({ contactId: t.ana.id, startsAt, notes: 'a\u0000b' })).toThrow(ZodError);
    expect(await h.db.prisma.appointment.count({ where: { storeId: t.storeId } })).toBe(3);
  });
});

describe('update_appointment', () => {
  it('moves, cancels (freeing the time, the same on a repeat) and refuses a move into a taken time', async () => {
    const t = await seed();
    const moved = await call(t.tools, 'update_appointment', { id: t.anaCorte.id, startsAt: t.day.set({ hour: 10 }).toISO(), notes: null });
    expect(moved.appointment).toMatchObject({
      id: t.anaCorte.id, contact: { id: t.ana.id, name: 'Ana Souza' }, service: { id: t.corte.id, name: 'Corte' },
      startsAt: t.day.set({ hour: 10 }).toJSDate().toISOString(), endsAt: t.day.set({ hour: 10, minute: 45 }).toJSDate().toISOString(), notes: null,
    });
    const taken = await refusal(() => call(t.tools, 'update_appointment', { id: t.anaCorte.id, startsAt: t.day.set({ hour: 15, minute: 30 }).toISO() }));
    expect([taken.code, taken.message]).toEqual(['CONFLICT', expect.stringContaining(t.biaConsulta.id)]);

    const cancelled = await call(t.tools, 'update_appointment', { id: t.biaConsulta.id, status: 'cancelled' });
    expect(cancelled.appointment).toMatchObject({ id: t.biaConsulta.id, status: 'cancelled', service: { name: 'Consulta' } });
    expect(await call(t.tools, 'update_appointment', { id: t.biaConsulta.id, status: 'cancelled' })).toEqual(cancelled);
    // Its time is free now.
    expect((await call(t.tools, 'update_appointment', { id: t.anaCorte.id, startsAt: t.day.set({ hour: 15, minute: 30 }).toISO() })).appointment.startsAt).toBe(
      t.day.set({ hour: 15, minute: 30 }).toJSDate().toISOString(),
    );
    expect(() => t.tools.update_appointment!.input.parse({ id: t.anaCorte.id })).toThrow(ZodError);
  });

  it("does not reach another store's appointment", async () => {
    const theirs = await refusal(() => call(s.tools, 'update_appointment', { id: other.anaCorte.id, status: 'cancelled' }));
    expect([theirs.code, theirs.message]).toEqual(['NOT_FOUND', 'Appointment not found']);
    expect((await h.db.prisma.appointment.findUnique({ where: { id: other.anaCorte.id } }))?.status).toBe('scheduled');
  });
});

describe('get_contact_profile', () => {
  it('gives the contact, its latest AI summary, messages, conversations and upcoming appointments, by id or phone', async () => {
    const profile = await call(s.tools, 'get_contact_profile', { contactId: s.ana.id });
    expect(profile).toEqual({
      contact: { id: s.ana.id, name: 'Ana Souza', pushName: null, phone: '+5511911110000', email: null, notes: 'prefere manhãs', tags: ['vip'], optOut: false, createdAt: s.ana.createdAt },
      snapshot: {
        summary: 'Cliente fiel, corta a cada mês.', flags: { noShowRisk: 'low', preferences: ['manhãs'], objections: [], sentiment: 'positive' },
        reason: 'manual', conversationId: s.anaThread.id, createdAt: s.snapshot.createdAt.toISOString(),
      },
      recentMessages: [
        expect.objectContaining({ conversationId: s.anaThread.id, channel: 'whatsapp', direction: 'inbound', type: 'text', text: 'de manhã' }),
        expect.objectContaining({ direction: 'inbound', text: 'tem horário amanhã?' }),
        expect.objectContaining({ direction: 'outbound', text: 'Olá Ana!' }),
      ],
      conversations: [{ id: s.anaThread.id, channel: 'whatsapp', status: 'open', unread: 2, startedAt: s.anaThread.startedAt.toISOString(), lastMessageAt: s.anaThread.lastMessageAt!.toISOString() }],
      upcomingAppointments: [{ id: s.anaCorte.id, service: { id: s.corte.id, name: 'Corte' }, startsAt: s.anaCorte.startsAt, endsAt: s.anaCorte.endsAt, status: 'scheduled', notes: 'trazer foto' }],
    });
    for (const phone of ['+55 (11) 91111-0000', '11911110000', '011 91111-0000']) {
      expect({ phone, profile: await call(s.tools, 'get_contact_profile', { phone }) }).toEqual({ phone, profile });
    }
    const bia = await call(s.tools, 'get_contact_profile', { phone: '+5511922220000' });
    expect(bia).toMatchObject({ contact: { id: s.bia.id }, snapshot: null, upcomingAppointments: [{ id: s.biaConsulta.id }] });
    expect(bia.conversations.map((c: { status: string }) => c.status)).toEqual(['open', 'closed']);
  });

  it("does not reach another store's contact, by id or by phone", async () => {
    expect((await refusal(() => call(s.tools, 'get_contact_profile', { contactId: other.ana.id }))).code).toBe('NOT_FOUND');
    // The other store has the same numbers: each store finds its own contact.
    expect((await call(other.tools, 'get_contact_profile', { phone: '+5511911110000' })).contact.id).toBe(other.ana.id);
    expect((await call(s.tools, 'get_contact_profile', { phone: '+5511911110000' })).contact.id).toBe(s.ana.id);
  });
});

describe('inbox_summary', () => {
  it('counts the open conversations and unread messages, and lists them with who waits for a reply', async () => {
    const inbox = await call(s.tools, 'inbox_summary');
    expect(inbox).toEqual({
      openConversationsCount: 2,
      unreadInboundCount: 2,
      conversations: [
        {
          conversationId: s.anaThread.id, channel: 'whatsapp', contact: { id: s.ana.id, name: 'Ana Souza', phone: '+5511911110000' }, unread: 2,
          lastMessageAt: s.anaThread.lastMessageAt!.toISOString(), lastMessage: { direction: 'inbound', type: 'text', text: 'de manhã' }, awaitingReply: true,
        },
        {
          conversationId: s.biaThread.id, channel: 'whatsapp', contact: { id: s.bia.id, name: 'Bia Lima', phone: '+5511922220000' }, unread: 0,
          lastMessageAt: s.biaThread.lastMessageAt!.toISOString(), lastMessage: { direction: 'outbound', type: 'text', text: 'Até sexta!' }, awaitingReply: false,
        },
      ],
      nextCursor: null,
    });
    const unread = await call(s.tools, 'inbox_summary', { unreadOnly: true });
    expect(unread.conversations.map((c: { conversationId: string }) => c.conversationId)).toEqual([s.anaThread.id]);
    const page = await call(s.tools, 'inbox_summary', { limit: 1 });
    expect((await call(s.tools, 'inbox_summary', { limit: 1, cursor: page.nextCursor })).conversations.map((c: { conversationId: string }) => c.conversationId)).toEqual([s.biaThread.id]);
    expect((await call(s.tools, 'inbox_summary', { channel: 'instagram' })).conversations).toEqual([]);
  });
});

describe('store_summary', () => {
  it("gives the dashboard's counts for the store's today, its own store's only", async () => {
    const summary = await call(s.tools, 'store_summary');
    expect(summary).toEqual(await services.summary.summary(s.storeId));
    expect(summary).toMatchObject({
      day: DateTime.now().setZone(ZONE).toISODate(), timezone: ZONE, appointmentsTodayCount: 1, openConversationsCount: 2, unreadInboundCount: 2, botRepliesToday: 0,
    });
    const empty = await makeStore(h.services);
    expect(await call(toolsOf(empty.storeId), 'store_summary')).toMatchObject({ appointmentsTodayCount: 0, openConversationsCount: 0, unreadInboundCount: 0, messagesInToday: 0, messagesOutToday: 0 });
    expect(await call(toolsOf(empty.storeId), 'list_services')).toEqual({ services: [], nextCursor: null });
    expect(await call(toolsOf(empty.storeId), 'inbox_summary')).toMatchObject({ openConversationsCount: 0, conversations: [] });
  });
});
