// A producer's events commit with its data (outbox-writer.repo.ts's writer, handed to the producer):
// the deliveries are written by the producer's own transaction (same xmin as its row), nothing is
// written when that transaction writes nothing or rolls back, and the bus's later copy of the
// same event only wakes the worker — it adds no row. Real Postgres; no delivery worker runs here,
// so the rows stay as their transaction wrote them.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { createAppointmentsRepo } from '../../src/booking/appointments.repo.js';
import { createBotTurnsRepo } from '../../src/bot/bot-turns.repo.js';
import type { NamedEvent } from '../../src/events/committed-events.js';
import { createChannelInboundRepo } from '../../src/channels/channel-inbound.repo.js';
import { createInboundRepo } from '../../src/messages/inbound.repo.js';
import { createOwnMessagesRepo } from '../../src/messages/own-messages.repo.js';
import { toOwnRow } from '../../src/messages/own-messages.service.js';
import { createOutboundRepo } from '../../src/outbound/outbound.repo.js';
import { createSlotsRepo } from '../../src/whatsapp/engine/slots.repo.js';
import type { MessageSentEvent } from '../../src/events/domain-events.js';
import { createContactMergeRepo } from '../../src/contacts/contact-merge.repo.js';
import { createContactsRepo } from '../../src/contacts/contacts.repo.js';
import { createConversationsRepo } from '../../src/conversations/conversations.repo.js';
import { createOutboxWriter } from '../../src/webhooks/outbox-writer.repo.js';
import { createOutboxRepo } from '../../src/webhooks/outbox.repo.js';
import { toOutboxEvent } from '../../src/webhooks/webhook-events.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db?.destroy());

async function hookedStore(events: string[]) {
  const store = await db.prisma.store.create({ data: { name: 'Outbox', apiKeyHash: randomBytes(8).toString('hex'), apiKeyLast4: 'abcd' } });
  const hook = await db.prisma.webhook.create({ data: { storeId: store.id, url: 'https://example.com/hook', secretSealed: Buffer.from('sealed'), secretLast4: 'abcd', events } });
  const contact = await db.prisma.contact.create({ data: { storeId: store.id, name: 'Ana', phone: '+5511988887777' } });
  return { storeId: store.id, hookId: hook.id, contactId: contact.id };
}

type Table = 'appointments' | 'contacts' | 'conversations' | 'bot_turns' | 'messages';
const xminOf = async (table: Table, id: string, column = 'id') => (await db.prisma.$queryRawUnsafe<Array<{ x: string }>>(`SELECT xmin::text AS x FROM ${table} WHERE ${column} = $1`, id))[0]!.x;
const deliveries = (hookId: string) =>
  db.prisma.$queryRaw<Array<{ event: string; event_id: string; xact: string; data: Record<string, unknown> }>>`
    SELECT event, event_id, xmin::text AS xact, payload -> 'data' AS data FROM webhook_deliveries WHERE webhook_id = ${hookId} ORDER BY seq`;

describe('events written in the producer\'s transaction', () => {
  it('a booking and each change write their event in their own transaction; a refused one writes nothing', async () => {
    const s = await hookedStore(['appointment.created', 'appointment.updated', 'appointment.cancelled']);
    const writer = createOutboxWriter();
    const repo = createAppointmentsRepo(db.prisma, writer.write);
    const at = new Date(Date.now() + 86_400_000);
    const span = { startsAt: at, endsAt: new Date(at.getTime() + 3_600_000) };
    const booked = await repo.book(s.storeId, { contactId: s.contactId, serviceId: null, ...span, status: 'scheduled', notes: null });
    if (booked.kind !== 'booked') throw new Error('not booked');
    expect(await repo.book(s.storeId, { contactId: s.contactId, serviceId: null, ...span, status: 'scheduled', notes: null })).toMatchObject({ kind: 'overlap' });
    let rows = await deliveries(s.hookId);
    expect(rows.map((r) => [r.event, r.xact])).toEqual([['appointment.created', await xminOf('appointments', booked.row.id)]]);
    expect(rows[0]!.data).toMatchObject({ appointmentId: booked.row.id, contactId: s.contactId, status: 'scheduled' });

    const moved = await repo.change(s.storeId, booked.row.id, () => ({ data: { notes: 'trazer exames' }, claimsTime: false }));
    const unchanged = await repo.change(s.storeId, booked.row.id, () => ({ data: {}, claimsTime: false }));
    expect(unchanged).toMatchObject({ kind: 'changed', events: [] });
    const xactAfterNotes = await xminOf('appointments', booked.row.id);
    const cancelled = await repo.change(s.storeId, booked.row.id, () => ({ data: { status: 'cancelled' }, claimsTime: false }));
    rows = await deliveries(s.hookId);
    expect(rows.map((r) => r.event)).toEqual(['appointment.created', 'appointment.updated', 'appointment.cancelled']);
    expect(rows[1]!.xact).toBe(xactAfterNotes);
    expect(rows[2]!.xact).toBe(await xminOf('appointments', booked.row.id));

    // The bus's copies of those events, after the commits: the writer answers once that it wrote
    // each, and the outbox holds no second row for any of them.
    const written = [booked, moved, cancelled].flatMap((r) => ('events' in r ? r.events : []));
    expect(written).toHaveLength(3);
    const ids = written.map((e) => toOutboxEvent(e.type as 'appointment.created', e.event as never).eventId);
    expect(ids).toEqual(rows.map((r) => r.event_id));
    expect(ids.map((id) => writer.takeWritten(id))).toEqual([true, true, true]);
    expect(ids.map((id) => writer.takeWritten(id))).toEqual([false, false, false]);
    const outbox = createOutboxRepo(db.prisma, 'test');
    expect(await outbox.enqueueMany(written.map((e) => ({ storeId: s.storeId, event: toOutboxEvent(e.type as 'appointment.created', e.event as never) })))).toEqual([0, 0, 0]);
  });

  it('a contact\'s creation, edit and merge, and a conversation closed and reopened, write their events with them', async () => {
    const s = await hookedStore(['contact.created', 'contact.updated', 'conversation.opened', 'conversation.closed']);
    const writer = createOutboxWriter();
    const contacts = createContactsRepo(db.prisma, db.pool, writer.write);
    const conversations = createConversationsRepo(db.prisma, writer.write);
    const fields = { phone: null, jidPn: null, email: null, notes: null, tags: [], optOut: false };
    const beto = await contacts.create(s.storeId, { name: 'Beto', ...fields });
    expect((await deliveries(s.hookId)).map((r) => [r.event, r.xact])).toEqual([['contact.created', await xminOf('contacts', beto.contact.id)]]);
    expect((await contacts.update(s.storeId, beto.contact.id, { name: 'Beto' }))?.events).toEqual([]); // nothing changed: nothing written
    await contacts.update(s.storeId, beto.contact.id, { name: 'Roberto' });
    let rows = await deliveries(s.hookId);
    expect(rows.map((r) => r.event)).toEqual(['contact.created', 'contact.updated']);
    expect([rows[1]!.xact, rows[1]!.data.fields]).toEqual([await xminOf('contacts', beto.contact.id), ['name']]);

    const thread = await db.prisma.conversation.create({ data: { storeId: s.storeId, contactId: s.contactId, channel: 'whatsapp', startedAt: new Date() } });
    await conversations.setStatus(s.storeId, thread.id, 'closed');
    expect((await deliveries(s.hookId)).at(-1)).toMatchObject({ event: 'conversation.closed', xact: await xminOf('conversations', thread.id) });
    await conversations.setStatus(s.storeId, thread.id, 'open');
    expect((await deliveries(s.hookId)).at(-1)).toMatchObject({ event: 'conversation.opened', xact: await xminOf('conversations', thread.id) });

    // Beto's own open thread clashes with Ana's: the merge closes his and updates Ana, in its transaction.
    const betoThread = await db.prisma.conversation.create({ data: { storeId: s.storeId, contactId: beto.contact.id, channel: 'whatsapp', startedAt: new Date() } });
    const merged = await createContactMergeRepo(db.prisma, writer.write).merge(s.storeId, s.contactId, beto.contact.id);
    rows = await deliveries(s.hookId);
    expect(rows.slice(-2).map((r) => [r.event, r.data.conversationId ?? r.data.mergedContactId])).toEqual([['conversation.closed', betoThread.id], ['contact.updated', beto.contact.id]]);
    // (Beto's thread, closed and moved to Ana, is a row the merge's transaction wrote.)
    expect(rows.slice(-2).map((r) => r.xact)).toEqual(Array(2).fill(await xminOf('conversations', betoThread.id)));
    expect(merged?.events.map((e) => e.type)).toEqual(['conversation.closed', 'contact.updated']);
  });

  it('a bot turn\'s end writes bot.replied with it, and a turn no longer held writes nothing', async () => {
    const s = await hookedStore(['bot.replied']);
    const writer = createOutboxWriter();
    const row = { storeId: s.storeId, slot: 1, waMessageId: 'TURN1', remoteJid: '5511911112222@s.whatsapp.net', jidPn: '5511911112222@s.whatsapp.net', jidLid: null, pushName: 'Eva', type: 'text', text: 'oi', metadata: {}, payload: new Uint8Array([1]), sentAt: new Date(), isGroup: false };
    const stored = await createInboundRepo(db.prisma).store(row);
    const turns = createBotTurnsRepo(db.prisma, writer.write);
    const turn = (await turns.scheduleClaimed({ storeId: s.storeId, slot: 1, waMessageId: 'TURN1', newId: randomUUID() }, new Date(Date.now() + 60_000)))!;
    const replied: NamedEvent = { type: 'bot.replied', event: { storeId: s.storeId, slot: 1, turnId: turn.id, conversationId: stored.conversationId!, contactId: stored.contactId, messageIds: [], outcome: 'replied', model: 'stub', at: new Date() } };
    expect(await turns.finish(turn, 'replied', { outcome: 'replied' }, [], [replied])).toBe(true);
    expect((await deliveries(s.hookId)).map((r) => [r.event, r.xact, r.data.turnId])).toEqual([['bot.replied', await xminOf('bot_turns', turn.id), turn.id]]);
    expect(await turns.finish(turn, 'replied', { outcome: 'replied' }, [], [{ ...replied, event: { ...replied.event, at: new Date(0) } } as NamedEvent])).toBe(false);
    expect(await deliveries(s.hookId)).toHaveLength(1);
  });

  it('a phone-typed message, its receipt, the slot\'s state and another channel\'s delivery write their events with their rows', async () => {
    const s = await hookedStore(['*']);
    const writer = createOutboxWriter();
    const sent: MessageSentEvent = {
      storeId: s.storeId, slot: 1, waMessageId: 'OWN1', remoteJid: '5511933334444@s.whatsapp.net', remoteJidAlt: null, addressingMode: 'pn', type: 'text', text: 'já te respondo',
      sentAt: new Date(), delivery: 'live', isGroup: false, metadata: {}, payload: new Uint8Array([1]), raw: {} as never,
    } as MessageSentEvent;
    const own = await createOwnMessagesRepo(db.prisma, writer.write).store(toOwnRow(sent), sent);
    let rows = await deliveries(s.hookId);
    expect(rows.map((r) => r.event)).toEqual(['contact.created', 'conversation.opened', 'message.sent']);
    expect(new Set(rows.map((r) => r.xact))).toEqual(new Set([await xminOf('messages', own.messageId)]));
    expect(rows[2]!.data).toMatchObject({ messageId: own.messageId, conversationId: own.conversationId, text: 'já te respondo' });
    // The echo of a row already there (the send queue's): the event alone, once.
    await createOwnMessagesRepo(db.prisma, writer.write).store(toOwnRow(sent), sent);
    expect(await deliveries(s.hookId)).toHaveLength(3);

    const outbound = createOutboundRepo(db.prisma, writer.write);
    const receipt = { type: 'message.status' as const, event: { storeId: s.storeId, slot: 1, waMessageId: 'OWN1', remoteJid: sent.remoteJid, status: 'delivered' as const, at: new Date() } };
    expect(await outbound.applyReceipt({ storeId: s.storeId, slot: 1, waMessageId: 'OWN1', status: 'delivered', reason: null }, (ids) => [{ ...receipt, event: { ...receipt.event, ...ids } }])).toBe(own.messageId);
    expect(await outbound.applyReceipt({ storeId: s.storeId, slot: 1, waMessageId: 'OWN1', status: 'delivered', reason: null }, () => [receipt])).toBeNull(); // moved nothing: wrote nothing
    rows = await deliveries(s.hookId);
    expect(rows.map((r) => r.event)).toEqual(['contact.created', 'conversation.opened', 'message.sent', 'message.status']);
    expect(rows[3]!.xact).toBe(await xminOf('messages', own.messageId));

    const slots = createSlotsRepo(db.prisma, db.pool, 'test-process', writer.write);
    await slots.recordStatus({ storeId: s.storeId, slot: 1 }, { status: 'connected', phone: null, jidPn: null, jidLid: null, pushName: null, lastError: null }, [
      { type: 'session.status', event: { storeId: s.storeId, slot: 1, status: 'connected', at: new Date() } },
    ]);
    const [slotXact] = await db.prisma.$queryRaw<Array<{ x: string }>>`SELECT xmin::text AS x FROM session_slots WHERE store_id = ${s.storeId} AND slot = 1`;
    expect((await deliveries(s.hookId)).at(-1)).toMatchObject({ event: 'session.status', xact: slotXact!.x });

    const channel = await createChannelInboundRepo(db.prisma, writer.write).store(s.storeId, 'instagram', { externalId: 'ig-1', sender: { handle: 'fabi.ig' }, text: 'oi', timestamp: new Date().toISOString() });
    rows = await deliveries(s.hookId);
    expect(rows.slice(-2).map((r) => [r.event, r.xact])).toEqual([['contact.created', await xminOf('messages', channel.messageId)], ['conversation.opened', await xminOf('messages', channel.messageId)]]);
    expect(channel.events.map((e) => e.type)).toEqual(['contact.created', 'conversation.opened']);
  });

  it('a transaction that rolls back takes its deliveries with it', async () => {
    const s = await hookedStore(['*']);
    const writer = createOutboxWriter();
    const at = new Date();
    await expect(
      db.prisma.$transaction(async (tx) => {
        await writer.write(tx, [{ type: 'contact.created', event: { storeId: s.storeId, contactId: s.contactId, source: 'api', at } }]);
        throw new Error('the producer changed its mind');
      }),
    ).rejects.toThrow('the producer changed its mind');
    expect(await deliveries(s.hookId)).toEqual([]);
    // An event no hook may ask for is not written at all.
    await db.prisma.$transaction((tx) => writer.write(tx, [{ type: 'message.changed', event: {} as never }]));
    expect(await deliveries(s.hookId)).toEqual([]);
  });
});
