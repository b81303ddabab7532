// The dashboard home's counts: today is the store's day in its time zone.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DateTime } from 'luxon';
import { startAppHarness, type AppHarness } from '../support/app-harness.js';

let h: AppHarness;
beforeAll(async () => {
  h = await startAppHarness();
});
afterAll(async () => h?.close());

describe('summary', () => {
  it('counts today’s appointments and traffic, open conversations and unread messages', async () => {
    const s = await h.services.stores.create('Home', { actor: 'admin' });
    const p = h.db.prisma;
    const storeId = s.storeId;
    const timezone = 'Asia/Tokyo';
    await p.storeSettings.create({ data: { storeId, timezone } });
    const today = DateTime.now().setZone(timezone).startOf('day');
    const at = (d: DateTime) => d.toJSDate();
    const ana = await p.contact.create({ data: { storeId, jidPn: '5511911110000@s.whatsapp.net', name: 'Ana' } });
    const open = await p.conversation.create({ data: { storeId, contactId: ana.id, slot: 1, unreadCount: 3 } });
    const bia = await p.contact.create({ data: { storeId, jidPn: '5511922220000@s.whatsapp.net', name: 'Bia' } });
    await p.conversation.create({ data: { storeId, contactId: bia.id, slot: 1, unreadCount: 1 } });
    await p.conversation.create({ data: { storeId, contactId: bia.id, slot: 1, status: 'closed', unreadCount: 5 } }); // closed: not counted
    const message = (n: number, direction: 'inbound' | 'outbound', sentAt: DateTime) =>
      p.message.create({ data: { storeId, slot: 1, contactId: ana.id, conversationId: open.id, waMessageId: `M${n}`, remoteJid: ana.jidPn!, direction, status: direction === 'inbound' ? 'received' : 'sent', sentAt: at(sentAt) } });
    await message(1, 'inbound', today.plus({ minutes: 1 }));
    await message(2, 'inbound', today.plus({ hours: 23, minutes: 59 }));
    await message(3, 'outbound', today.plus({ hours: 1 }));
    await message(4, 'inbound', today.minus({ minutes: 1 })); // yesterday, Tokyo time
    const appointment = (startsAt: DateTime, status = 'scheduled') =>
      p.appointment.create({ data: { storeId, contactId: ana.id, startsAt: at(startsAt), endsAt: at(startsAt.plus({ minutes: 30 })), status } });
    await appointment(today.plus({ hours: 10 }));
    await appointment(today.plus({ hours: 11 }), 'confirmed');
    await appointment(today.plus({ hours: 12 }), 'cancelled');
    await appointment(today.plus({ days: 1, hours: 10 }));

    const r = await h.request('GET', `/api/client/${storeId}/summary`, { key: s.apiKey });
    expect([r.status, r.body]).toEqual([
      200,
      { day: today.toISODate(), timezone, appointmentsTodayCount: 2, openConversationsCount: 2, unreadInboundCount: 4, messagesInToday: 2, messagesOutToday: 1, botRepliesToday: 0 },
    ]);
    // Another store sees its own zeros.
    const other = await h.services.stores.create('Other home', { actor: 'admin' });
    const theirs = await h.request('GET', `/api/client/${other.storeId}/summary`, { key: other.apiKey });
    expect(theirs.body).toMatchObject({ appointmentsTodayCount: 0, openConversationsCount: 0, unreadInboundCount: 0, messagesInToday: 0, messagesOutToday: 0 });
  });
});
