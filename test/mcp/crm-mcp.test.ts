// The crm provider over the MCP endpoint with the SDK's Client: its tools listed with schemas and
// honest hints, and each called over HTTP answering what the store's rows say (the tools' own
// rules are tested in crm-tools.test.ts).
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { startAppHarness, type AppHarness } from '../support/app-harness.js';
import { makeStore } from '../support/factories.js';
import { connectMcp, errorText, structured, type McpSession } from './mcp-client.js';

let h: AppHarness;
let session: McpSession;
let store: { storeId: string; apiKey: string };

beforeAll(async () => {
  h = await startAppHarness();
  store = await makeStore(h.services);
  session = await connectMcp(h.baseUrl, h.request, store, 'crm');
});
afterAll(async () => {
  await session?.close();
  await h?.close();
});

it('lists the CRM tools with schemas; read tools say so', async () => {
  const { tools } = await session.client.listTools();
  const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
  expect(Object.keys(byName).sort()).toEqual(['create_appointment', 'get_contact_profile', 'inbox_summary', 'list_appointments', 'list_services', 'store_summary', 'update_appointment']);
  for (const name of ['list_services', 'list_appointments', 'get_contact_profile', 'inbox_summary', 'store_summary']) expect(byName[name]!.annotations?.readOnlyHint).toBe(true);
  expect(byName.create_appointment!.annotations).toMatchObject({ readOnlyHint: false, idempotentHint: false });
  expect(byName.update_appointment!.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true });
  for (const tool of tools) expect(tool.outputSchema?.type).toBe('object');
});

it('books, moves and cancels an appointment, and reads the store back, through MCP', async () => {
  const call = (name: string, args: Record<string, unknown> = {}) => session.client.callTool({ name, arguments: args });
  const service = await h.services.booking.services.create(store.storeId, { name: 'Corte', priceCents: 4500, currency: 'BRL', durationMinutes: 30 });
  const ana = await h.services.contacts.create(store.storeId, { name: 'Ana', phone: '+55 11 91111-2222' });
  expect(structured<{ services: { id: string }[] }>(await call('list_services')).services.map((s) => s.id)).toEqual([service.id]);

  const startsAt = new Date(Date.now() + 7 * 86_400_000);
  startsAt.setUTCHours(14, 0, 0, 0);
  const booked = structured<{ appointment: { id: string; status: string; contact: { id: string } } }>(await call('create_appointment', { phone: '+55 11 91111-2222', serviceId: service.id, startsAt: startsAt.toISOString() }));
  expect(booked.appointment.contact.id).toBe(ana.id);
  const stored = await h.db.prisma.appointment.findUniqueOrThrow({ where: { id: booked.appointment.id } });
  expect(stored.startsAt.toISOString()).toBe(startsAt.toISOString());
  // The same time again is refused by the booking rules, readably.
  expect(errorText(await call('create_appointment', { contactId: ana.id, serviceId: service.id, startsAt: startsAt.toISOString() }))).toMatch(/overlap|already|booked/i);

  const later = new Date(startsAt.getTime() + 3_600_000).toISOString();
  const moved = structured<{ appointment: { startsAt: string } }>(await call('update_appointment', { id: booked.appointment.id, startsAt: later }));
  expect(moved.appointment.startsAt).toBe(later);
  const listed = structured<{ appointments: { id: string }[] }>(await call('list_appointments', { contactId: ana.id }));
  expect(listed.appointments.map((x) => x.id)).toEqual([booked.appointment.id]);
  const profile = structured<{ contact: { id: string }; upcomingAppointments: { id: string }[] }>(await call('get_contact_profile', { contactId: ana.id }));
  expect(profile.contact.id).toBe(ana.id);
  expect(profile.upcomingAppointments.map((x) => x.id)).toEqual([booked.appointment.id]);
  structured(await call('update_appointment', { id: booked.appointment.id, status: 'cancelled' }));
  expect((await h.db.prisma.appointment.findUniqueOrThrow({ where: { id: booked.appointment.id } })).status).toBe('cancelled');

  const inbox = structured<{ openConversationsCount: number; conversations: unknown[] }>(await call('inbox_summary'));
  expect(inbox).toMatchObject({ openConversationsCount: 0, conversations: [] });
  const summary = structured<{ appointmentsTodayCount: number }>(await call('store_summary'));
  expect(summary.appointmentsTodayCount).toBe(0);
});
