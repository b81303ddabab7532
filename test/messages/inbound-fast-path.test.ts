// The one-statement inbound path (inbound-queries.ts) against a real Postgres: taken exactly when
// the person and their open, recent thread are there as they should be, and then it writes what
// the general path would; everything else falls through to the general path untouched. Batches:
// several slots' messages in one statement, and the repo's batching across concurrent writers.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { storeKnownInbound as storeKnownBatch } from '../../src/messages/inbound-queries.js';
import { createInboundRepo, type InboundRow } from '../../src/messages/inbound.repo.js';
import { toInboundRow } from '../../src/messages/messages.service.js';
import { toOutboxEvent } from '../../src/webhooks/index.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let db: TestDatabase;
const storeKnownInbound = async (pool: TestDatabase['pool'], row: InboundRow) => (await storeKnownBatch(pool, [row]))[0];
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db?.destroy());

let n = 0;
function rowOf(storeId: string, over: Partial<InboundRow> = {}): InboundRow {
  n += 1;
  return {
    storeId,
    slot: 1,
    waMessageId: `FAST${n}`,
    remoteJid: '111@lid',
    jidPn: '5511988880000@s.whatsapp.net',
    jidLid: '111@lid',
    pushName: 'Ana',
    type: 'text',
    text: `mensagem ${n}`,
    metadata: { delivery: 'live' },
    payload: randomBytes(20),
    sentAt: new Date(Date.now() - 60_000 + n * 1000),
    isGroup: false,
    ...over,
  };
}

describe('the known-person inbound path', () => {
  it('is taken for a known person in an open thread, with the same effects as the general path', async () => {
    const store = await db.prisma.store.create({ data: { name: 'Fast', apiKeyHash: randomBytes(8).toString('hex'), apiKeyLast4: 'abcd' } });
    const repo = createInboundRepo(db.prisma, db.pool);
    expect(await storeKnownInbound(db.pool, rowOf(store.id))).toBeNull(); // nobody known yet: nothing written
    expect(await db.prisma.message.count({ where: { storeId: store.id } })).toBe(0);

    const first = await repo.store(rowOf(store.id));
    const second = rowOf(store.id, { slot: 2 });
    const fast = await storeKnownInbound(db.pool, second);
    expect(fast).toEqual({ stored: true, messageId: expect.any(String), contactId: first.contactId, conversationId: first.conversationId, outboxRows: 0 });
    const thread = await db.prisma.conversation.findUniqueOrThrow({ where: { id: first.conversationId! } });
    expect([thread.unreadCount, thread.slot, thread.lastMessageAt?.getTime()]).toEqual([2, 2, second.sentAt.getTime()]);
    const stored = await db.prisma.message.findUniqueOrThrow({ where: { id: fast!.messageId } });
    expect(stored).toEqual(expect.objectContaining({ direction: 'inbound', status: 'received', text: second.text, waMessageId: second.waMessageId, slot: 2 }));
    expect(Buffer.from(stored.payload!)).toEqual(Buffer.from(second.payload));
    // Its id sorts after the earlier row's, as Prisma's cuids do.
    expect(fast!.messageId > first.messageId).toBe(true);

    // A redelivery: not written twice; the general path reports it.
    expect(await storeKnownInbound(db.pool, second)).toBeNull();
    expect((await repo.store(second)).stored).toBe(false);
    expect(await db.prisma.message.count({ where: { storeId: store.id } })).toBe(2);
  });

  it('commits the webhook deliveries of a message (and of the lead and thread it made) in the message\'s own transaction, on both paths', async () => {
    const store = await db.prisma.store.create({ data: { name: 'Hooked', apiKeyHash: randomBytes(8).toString('hex'), apiKeyLast4: 'abcd' } });
    const hook = { storeId: store.id, url: 'https://example.com/hook', secretSealed: Buffer.from('sealed'), secretLast4: 'abcd' };
    const all = await db.prisma.webhook.create({ data: { ...hook, events: ['*'] } });
    await db.prisma.webhook.create({ data: { ...hook, events: ['message.received'], active: false } }); // disabled: nothing for it
    const other = await db.prisma.webhook.create({ data: { ...hook, events: ['appointment.created'] } }); // another event: nothing for it
    const repo = createInboundRepo(db.prisma, db.pool);
    // The webhook event as the storage subscriber makes it from the bus's event.
    const eventOf = (row: InboundRow) => toOutboxEvent('message.received', { ...row, remoteJidAlt: null, addressingMode: 'lid', participant: null, participantAlt: null, delivery: 'live', metadata: {}, raw: {} as never });

    const firstRow = rowOf(store.id);
    const first = await repo.store(firstRow, eventOf(firstRow)); // a new lead and thread: the general path
    const secondRow = rowOf(store.id);
    const [second] = await storeKnownBatch(db.pool, [secondRow], [eventOf(secondRow)]); // the one-statement path
    expect([first.outboxRows, second?.outboxRows]).toEqual([3, 1]);

    const rows = await db.prisma.$queryRaw<Array<{ event: string; ordering_key: string | null; data: Record<string, unknown>; webhook_id: string; delivery_xact: string; message_xact: string | null }>>`
      SELECT d.event, d.ordering_key, d.payload -> 'data' AS data, d.webhook_id, d.xmin::text AS delivery_xact,
             (SELECT m.xmin::text FROM messages m WHERE m.id = ${first.messageId}) AS message_xact
      FROM webhook_deliveries d WHERE d.store_id = ${store.id} ORDER BY d.seq`;
    expect(rows.map((r) => r.event)).toEqual(['contact.created', 'conversation.opened', 'message.received', 'message.received']);
    expect(new Set(rows.map((r) => r.webhook_id))).toEqual(new Set([all.id]));
    expect(rows.map((r) => r.webhook_id)).not.toContain(other.id);
    // The first message's transaction wrote its three deliveries; the second's statement, its one.
    expect(rows.slice(0, 3).map((r) => r.delivery_xact)).toEqual(Array(3).fill(rows[0]!.message_xact));
    const [secondXact] = await db.prisma.$queryRaw<Array<{ x: string }>>`SELECT xmin::text AS x FROM messages WHERE id = ${second!.messageId}`;
    expect(rows[3]!.delivery_xact).toBe(secondXact!.x);
    // Named by the stored message and ordered by its conversation: the thread's opening first.
    expect(rows.slice(1).map((r) => r.ordering_key)).toEqual(Array(3).fill(`conversation:${first.conversationId}`));
    expect(rows[2]!.data).toMatchObject({ messageId: first.messageId, contactId: first.contactId, conversationId: first.conversationId, text: firstRow.text });
    expect(rows[3]!.data).toMatchObject({ messageId: second!.messageId, contactId: first.contactId, conversationId: first.conversationId, text: secondRow.text });

    // A redelivery writes nothing, on either path.
    expect(await storeKnownBatch(db.pool, [secondRow], [eventOf(secondRow)])).toEqual([null]);
    expect((await repo.store(secondRow, eventOf(secondRow))).stored).toBe(false);
    expect(await db.prisma.webhookDelivery.count({ where: { storeId: store.id } })).toBe(4);
  });

  it('falls through, writing nothing, when the general path has something to decide', async () => {
    const store = await db.prisma.store.create({ data: { name: 'Fall', apiKeyHash: randomBytes(8).toString('hex'), apiKeyLast4: 'abcd' } });
    const repo = createInboundRepo(db.prisma, db.pool);
    const first = await repo.store(rowOf(store.id, { jidPn: null }));
    const cases: Array<[string, InboundRow]> = [
      ['a new push name', rowOf(store.id, { jidPn: null, pushName: 'Ana Maria' })],
      ['an address to record', rowOf(store.id)],
      ['a thread gone quiet for a day', rowOf(store.id, { jidPn: null, sentAt: new Date(Date.now() + 25 * 3_600_000) })],
      ['a group message', rowOf(store.id, { jidPn: null, isGroup: true, remoteJid: '120363@g.us' })],
    ];
    for (const [label, row] of cases) expect({ label, result: await storeKnownInbound(db.pool, row) }).toEqual({ label, result: null });
    await db.prisma.conversation.update({ where: { id: first.conversationId! }, data: { status: 'closed' } });
    expect(await storeKnownInbound(db.pool, rowOf(store.id, { jidPn: null }))).toBeNull();
    expect(await db.prisma.message.count({ where: { storeId: store.id } })).toBe(1);
  });

  it('stores a batch in one statement: counters add up per thread, and the rest falls through', async () => {
    const store = await db.prisma.store.create({ data: { name: 'Batch', apiKeyHash: randomBytes(8).toString('hex'), apiKeyLast4: 'abcd' } });
    const repo = createInboundRepo(db.prisma, db.pool);
    const bia = { jidPn: '5511977770000@s.whatsapp.net', jidLid: '222@lid', remoteJid: '222@lid', pushName: 'Bia' };
    const ana = await repo.store(rowOf(store.id));
    const bias = await repo.store(rowOf(store.id, bia));
    const redelivered = rowOf(store.id);
    await repo.store(redelivered);
    const batch = [
      rowOf(store.id, { slot: 2 }),
      rowOf(store.id, { ...bia, slot: 3 }),
      redelivered,
      rowOf(store.id, { jidPn: '5511966660000@s.whatsapp.net', jidLid: '333@lid', remoteJid: '333@lid', pushName: 'Caio' }), // new person
      rowOf(store.id, { slot: 3 }),
    ];
    const results = await storeKnownBatch(db.pool, batch);
    expect(results.map((r) => r?.conversationId ?? null)).toEqual([ana.conversationId, bias.conversationId, null, null, ana.conversationId]);
    const threads = await db.prisma.conversation.findMany({ where: { storeId: store.id }, orderBy: { startedAt: 'asc' } });
    // Ana: 2 before (one of them the redelivered one) + 2 in the batch; the last one came on slot 3.
    expect(threads.map((t) => [t.unreadCount, t.slot, t.lastMessageAt?.getTime()])).toEqual([
      [4, 3, batch[4]!.sentAt.getTime()],
      [2, 3, batch[1]!.sentAt.getTime()],
    ]);
    expect(await db.prisma.message.count({ where: { storeId: store.id } })).toBe(6);
  });

  it('the repo batches concurrent writers, and a row the batch cannot take fails alone', async () => {
    const store = await db.prisma.store.create({ data: { name: 'Concurrent', apiKeyHash: randomBytes(8).toString('hex'), apiKeyLast4: 'abcd' } });
    const repo = createInboundRepo(db.prisma, db.pool);
    const first = await repo.store(rowOf(store.id));
    const rows = Array.from({ length: 30 }, (_, i) => rowOf(store.id, { slot: 1 + (i % 3) }));
    const bad = rowOf(store.id, { slot: 2 ** 40 }); // out of range for the slot column: this row only
    const results = await Promise.allSettled([...rows, bad].map((row) => repo.store(row)));
    expect(results.slice(0, 30).map((r) => r.status === 'fulfilled' && r.value.conversationId)).toEqual(rows.map(() => first.conversationId));
    expect(results[30]!.status).toBe('rejected');
    const thread = await db.prisma.conversation.findUniqueOrThrow({ where: { id: first.conversationId! } });
    expect(thread.unreadCount).toBe(31);
    expect(await db.prisma.message.count({ where: { storeId: store.id } })).toBe(31);
  });

  it('stores a message whose words carry U+0000, which Postgres refuses as text', async () => {
    const store = await db.prisma.store.create({ data: { name: 'Nul', apiKeyHash: randomBytes(8).toString('hex'), apiKeyLast4: 'abcd' } });
    const repo = createInboundRepo(db.prisma, db.pool);
    const event = { ...rowOf(store.id), remoteJidAlt: '5511988880000@s.whatsapp.net', addressingMode: 'lid' as const, delivery: 'live' as const };
    const nul = { ...event, text: 'o\u0000i', pushName: 'A\u0000na', metadata: { caption: '\u0000' }, participant: null, participantAlt: null, raw: {} };
    await expect(repo.store({ ...rowOf(store.id), text: 'o\u0000i' })).rejects.toThrow(); // as sent, refused
    const stored = await repo.store(toInboundRow(nul));
    const row = await db.prisma.message.findUniqueOrThrow({ where: { id: stored.messageId } });
    expect([row.text, row.metadata]).toEqual(['oi', { caption: '', delivery: 'live' }]);
  });
});
