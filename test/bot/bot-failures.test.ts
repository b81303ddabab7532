// The bot when things go wrong: OpenRouter answering 429, then 500, then hanging (retried, each
// counted, one reply in the end), out of credits (no retry, silence), the monthly budget spent
// (silence, and the usage route says why), and a restart between a message and its reply
// (exactly one reply).
import { describe, expect, it } from '@jest/globals';
import { botStore, useBotSuite } from '../support/bot-suite.js';
import { eventually } from '../support/eventually.js';
import { contentText, STUB_DEFAULT_REPLY, type StubRequest } from '../support/llm-stub.js';

const ctx = useBotSuite();

const userTexts = (r: StubRequest) => r.body.messages.filter((m) => m.role === 'user').map((m) => contentText(m.content));
const botMessages = (storeId: string) => ctx.h.db.prisma.message.findMany({ where: { storeId, direction: 'outbound', metadata: { path: ['origin'], equals: 'bot' } } });
const usageOf = async (s: { storeId: string; apiKey: string }) => (await ctx.h.request('GET', `/api/client/${s.storeId}/usage`, { key: s.apiKey })).body;

describe('the bot and a failing model', () => {
  it('retries a 429 (Retry-After), a 500 and a hang, counts each, and replies once', async () => {
    const s = await botStore(ctx, '5511977770001', { llmTimeoutMs: 1000 });
    const contact = s.phone.contact();
    ctx.stub.queue(
      { status: 429, error: { code: 429, message: 'Rate limit exceeded' }, headers: { 'retry-after': '1' } },
      { status: 500, error: { code: 500, message: 'Internal error' } },
      { hang: true },
    );
    const before = ctx.stub.count();
    await contact.sendText('tem mesa pra hoje?');
    await contact.waitForText(STUB_DEFAULT_REPLY, { timeoutMs: 60_000 });
    expect(ctx.stub.count()).toBe(before + 4);
    const turn = await eventually(() => ctx.h.db.prisma.botTurn.findFirstOrThrow({ where: { storeId: s.storeId } }), (t) => t.state === 'replied');
    expect([turn.state, turn.attempts]).toEqual(['replied', 4]);
    expect(await botMessages(s.storeId)).toHaveLength(1);
    const usage = await usageOf(s);
    expect(usage.calls).toEqual({ rate_limited: 1, server_error: 1, timeout: 1, ok: 1 });
    expect(usage.replies).toBe(1);
  });

  it('stays silent when OpenRouter is out of credits (402), without retrying', async () => {
    const s = await botStore(ctx, '5511977770002');
    const contact = s.phone.contact();
    ctx.stub.queue({ status: 402, error: { code: 402, message: 'Insufficient credits' } });
    await contact.sendText('oi');
    const turn = await eventually(() => ctx.h.db.prisma.botTurn.findFirst({ where: { storeId: s.storeId } }), (t) => t?.state === 'failed');
    expect([turn?.state, turn?.outcome, turn?.attempts]).toEqual(['failed', 'out_of_credits', 1]);
    expect(await botMessages(s.storeId)).toEqual([]);
    expect((await usageOf(s)).calls).toEqual({ out_of_credits: 1 });
  });

  it('goes silent once the month’s token budget is spent, and the usage route says why', async () => {
    const s = await botStore(ctx, '5511977770003', { monthlyTokenBudget: 100 });
    const contact = s.phone.contact();
    await contact.sendText('primeira');
    await contact.waitForText(STUB_DEFAULT_REPLY);
    const before = ctx.stub.count();
    await contact.sendText('segunda');
    const turns = await eventually(() => ctx.h.db.prisma.botTurn.findMany({ where: { storeId: s.storeId }, orderBy: { createdAt: 'asc' } }), (t) => t.length === 2 && t[1]!.state === 'skipped');
    expect(turns.map((t) => t.outcome)).toEqual(['replied', 'budget_exhausted']);
    expect(ctx.stub.count()).toBe(before);
    const usage = await usageOf(s);
    expect(usage).toMatchObject({ canAnswer: false, budget: { tokens: 100, exhausted: true }, tokens: { total: 150 } });
    expect(usage.reasons.map((r: { code: string }) => r.code)).toEqual(['budget_exhausted']);
  });
});

describe('the per-contact cap', () => {
  it('answers a contact at most repliesPerContactPerHour times an hour', async () => {
    const s = await botStore(ctx, '5511977770005', { repliesPerContactPerHour: 1 });
    const contact = s.phone.contact();
    await contact.sendText('primeira pergunta');
    await contact.waitForText(STUB_DEFAULT_REPLY);
    const before = ctx.stub.count();
    await contact.sendText('segunda pergunta');
    const turns = await eventually(() => ctx.h.db.prisma.botTurn.findMany({ where: { storeId: s.storeId }, orderBy: { createdAt: 'asc' } }), (t) => t.length === 2 && t[1]!.state === 'skipped');
    expect(turns.map((t) => t.outcome)).toEqual(['replied', 'reply_cap']);
    expect(ctx.stub.count()).toBe(before);
    expect(await botMessages(s.storeId)).toHaveLength(1);
  });
});

describe('a restart between a message and its reply', () => {
  it('replies exactly once after the daemon comes back', async () => {
    const s = await botStore(ctx, '5511977770004', { replyDebounceMs: 4000 });
    const contact = s.phone.contact();
    const before = ctx.stub.count();
    await contact.sendText('vocês entregam no centro?');
    await eventually(() => ctx.h.db.prisma.botTurn.findFirst({ where: { storeId: s.storeId } }), (t) => t?.state === 'pending');
    await ctx.h.stop();
    expect(ctx.stub.count()).toBe(before);
    await ctx.h.start();
    const request = await ctx.stub.requests.take((r) => userTexts(r).includes('vocês entregam no centro?'), 'the bot’s request after the restart', 60_000);
    expect(request).toBeDefined();
    await contact.waitForText(STUB_DEFAULT_REPLY, { timeoutMs: 60_000 });
    const turns = await eventually(() => ctx.h.db.prisma.botTurn.findMany({ where: { storeId: s.storeId } }), (t) => t.every((x) => x.state === 'replied'));
    expect(turns.map((t) => t.state)).toEqual(['replied']);
    expect(await botMessages(s.storeId)).toHaveLength(1);
    expect(ctx.stub.count()).toBe(before + 1);
  });
});
