// Issue 10's first acceptance walk, as the dashboard and a phone use the daemon: João writes on
// WhatsApp; the inbox, his profile and the summary show it; search finds him by name and by his
// number typed three ways; the owner creates a service and books João today; the summary counts
// it, the profile lists it, and an overlapping booking is refused with a 409 that names the first.
import { describe, expect, it } from '@jest/globals';
import { DateTime } from 'luxon';
import { useDaemonSuite } from '../support/daemon-harness.js';
import { eventually } from '../support/eventually.js';
import { linkSlot } from '../support/link-slot.js';

const ctx = useDaemonSuite();

describe('a store owner’s day', () => {
  it('from a WhatsApp message to a booked appointment', async () => {
    const store = await ctx.h.createStore('Barbearia do Zé');
    const api = (method: string, path: string, body?: unknown) => ctx.h.request(method, `/api/client/${store.storeId}/${path}`, { key: store.apiKey, body });
    await linkSlot(ctx.h, ctx.sim, store, 1, '5511955550401');
    const joao = ctx.sim.phone('5511955550401').contact('5511988887777', { pushName: 'João da Silva' });
    await joao.sendText('oi, tem horário hoje?');

    const inbox = await eventually(async () => (await api('GET', 'inbox')).body, (b) => b.data?.length === 1);
    expect(inbox.data[0]).toMatchObject({ unread: 1, channel: 'whatsapp', lastMessage: { text: 'oi, tem horário hoje?' }, contact: { name: 'João da Silva' } });
    const contactId = inbox.data[0].contact.id;
    const profile = (await api('GET', `contacts/${contactId}/profile`)).body;
    expect(profile.messages.map((m: { text: string }) => m.text)).toEqual(['oi, tem horário hoje?']);
    expect(profile.conversations).toHaveLength(1);
    expect((await api('GET', 'summary')).body).toMatchObject({ openConversationsCount: 1, unreadInboundCount: 1, messagesInToday: 1, appointmentsTodayCount: 0 });

    for (const query of ['joao', 'João', '11 98888-7777', '+55 (11) 98888-7777', '5511988887777']) {
      const found = (await api('GET', `contacts?search=${encodeURIComponent(query)}`)).body;
      expect({ query, ids: found.data.map((c: { id: string }) => c.id) }).toEqual({ query, ids: [contactId] });
    }
    expect((await api('GET', `contacts?search=${encodeURIComponent('Maria')}`)).body.data).toEqual([]);

    const service = await api('POST', 'services', { name: 'Corte', priceCents: 4500, currency: 'BRL', durationMinutes: 45 });
    expect(service.status).toBe(201);
    // Later today, in the store's time zone (the default, America/Sao_Paulo).
    const today = DateTime.now().setZone('America/Sao_Paulo');
    const start = today.hour < 22 ? today.plus({ minutes: 30 }).startOf('minute') : today.startOf('day').plus({ minutes: 30 });
    const booked = await api('POST', 'appointments', { contactId, serviceId: service.body.id, startsAt: start.toISO() });
    expect([booked.status, booked.body.endsAt]).toEqual([201, start.plus({ minutes: 45 }).toUTC().toISO()]);

    expect((await api('GET', 'summary')).body.appointmentsTodayCount).toBe(1);
    const withAppointment = (await api('GET', `contacts/${contactId}/profile`)).body;
    expect(withAppointment.appointments.map((a: { id: string }) => a.id)).toEqual([booked.body.id]);
    const overlapping = await api('POST', 'appointments', { contactId, serviceId: service.body.id, startsAt: start.plus({ minutes: 15 }).toISO() });
    expect([overlapping.status, overlapping.body.error.code, overlapping.body.error.message]).toEqual([409, 'CONFLICT', expect.stringContaining(booked.body.id)]);
    expect((await api('GET', `appointments?day=${start.toISODate()}`)).body.data.map((a: { id: string }) => a.id)).toEqual([booked.body.id]);
  });
});
