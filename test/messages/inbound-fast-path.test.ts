// The one-statement inbound path (inbound-queries.ts) against a real Postgres: taken exactly when
// the person and their open, recent thread are there as they should be, and then it writes what
// the general path would; everything else falls through to the general path untouched.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { storeKnownInbound } from '../../src/messages/inbound-queries.js';
import { createInboundRepo, type InboundRow } from '../../src/messages/inbound.repo.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let db: TestDatabase;
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
    expect(fast).toEqual({ stored: true, messageId: expect.any(String), contactId: first.contactId, conversationId: first.conversationId });
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
});
