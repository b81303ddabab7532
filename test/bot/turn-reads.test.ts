// With no debounce the turn is written claimed and its reads come back from that same statement
// (bot-turns.repo's scheduleClaimed): they must be exactly what turnReads answers for that turn
// — the window (limit and time bound), the pause, the month's spend, the snapshot, the previous
// burst — or the bot would answer from another context than the one it records. Real Postgres.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createBotContextRepo } from '../../src/bot/bot-context.repo.js';
import { createBotTurnsRepo } from '../../src/bot/bot-turns.repo.js';
import { createInboundRepo, type InboundRow } from '../../src/messages/inbound.repo.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db?.destroy());

describe('a turn written claimed with its reads', () => {
  it('reads in the writing statement what turnReads reads for the turn', async () => {
    const store = await db.prisma.store.create({ data: { name: 'Reads', apiKeyHash: randomBytes(8).toString('hex'), apiKeyLast4: 'abcd' } });
    const inbound = createInboundRepo(db.prisma, db.pool);
    const minute = 60_000;
    const row = (n: number, agoMin: number): InboundRow => ({
      storeId: store.id, slot: 1, waMessageId: `R${n}`, remoteJid: '5511955556666@s.whatsapp.net', jidPn: '5511955556666@s.whatsapp.net', jidLid: null,
      pushName: 'Gil', type: 'text', text: `mensagem ${n}`, metadata: {}, payload: new Uint8Array([n]), sentAt: new Date(Date.now() - agoMin * minute), isGroup: false,
    });
    // Four messages: one outside the 60-minute window, three inside, of which the limit keeps two.
    for (const [n, ago] of [[1, 90], [2, 30], [3, 20], [4, 10]] as const) await inbound.store(row(n, ago));
    const last = await db.prisma.message.findFirstOrThrow({ where: { storeId: store.id, waMessageId: 'R4' } });
    const contactId = last.contactId!;
    await db.prisma.botPause.create({ data: { storeId: store.id, contactId, until: new Date(Date.now() + 5 * minute), reason: 'api' } });
    const snapshot = await db.prisma.aiSnapshot.create({ data: { storeId: store.id, contactId, summary: 'cliente de cortes', flags: { vip: true }, reason: 'test' } });
    await db.prisma.llmCall.create({ data: { storeId: store.id, purpose: 'reply', result: 'ok', promptTokens: 100, completionTokens: 20, cost: 0.01, latencyMs: 5 } });

    const q = { since: new Date(Date.now() - 60 * minute), limit: 2, month: { from: new Date(Date.now() - 86_400_000), to: new Date(Date.now() + 86_400_000) }, hourAgo: new Date(Date.now() - 60 * minute) };
    const written = await createBotTurnsRepo(db.prisma).scheduleClaimed({ storeId: store.id, slot: 1, waMessageId: 'R4', newId: randomUUID() }, new Date(Date.now() + minute), q);
    expect(written).not.toBeNull();
    const { turn, reads } = written!;
    const separately = await createBotContextRepo(db.prisma).turnReads({ storeId: store.id, contactId: turn.contactId, conversationId: turn.conversationId, turnId: turn.id, upTo: turn.triggerAt, ...q });
    expect(reads).toEqual(separately);
    // And what they hold is the store's, as configured.
    expect(reads.window.map((m) => m.text)).toEqual(['mensagem 3', 'mensagem 4']);
    expect(reads.pause?.reason).toBe('api');
    expect(reads.snapshot?.id).toBe(snapshot.id);
    expect(reads.spent).toMatchObject({ promptTokens: 100, completionTokens: 20, cost: 0.01 });
    expect([reads.contact?.id, reads.answeredUpTo, reads.recentReplies, reads.earlierCalls]).toEqual([contactId, null, 0, []]);

    // The conversation now has a turn in hand: a second one is not written (nor read).
    expect(await createBotTurnsRepo(db.prisma).scheduleClaimed({ storeId: store.id, slot: 1, waMessageId: 'R3', newId: randomUUID() }, new Date(Date.now() + minute), q)).toBeNull();
  });
});
