// The bot books: "Quero marcar um corte amanhã às 15h" → the stub LLM calls the availability tool,
// the contact confirms, the stub calls the booking tool → the appointment is in the CRM at that
// time for that contact. A booking outside working hours or over another appointment is refused
// by the tool and the bot says so. And an AI context snapshot reaches the next prompt.
import { describe, expect, it } from '@jest/globals';
import { DateTime } from 'luxon';
import { botStore, useBotSuite } from '../support/bot-suite.js';
import { eventually } from '../support/eventually.js';
import { contentText, STUB_DEFAULT_REPLY, type StubReply, type StubRequest } from '../support/llm-stub.js';

const ctx = useBotSuite();
const ZONE = 'America/Sao_Paulo';
const EVERY_DAY = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [{ open: '09:00', close: '18:00' }]]));

const lastUser = (r: StubRequest) => contentText([...r.body.messages].reverse().find((m) => m.role === 'user')?.content);
const toolResults = (r: StubRequest) => r.body.messages.filter((m) => m.role === 'tool').map((m) => JSON.parse(contentText(m.content)));

describe('the bot booking through its tools', () => {
  it('checks the time, books it after the customer confirms, and refuses closed hours and a taken time', async () => {
    const s = await botStore(ctx, '5511988880001', { botName: 'Bia', storeType: 'barbearia' });
    const settings = await ctx.h.request('PATCH', `/api/client/${s.storeId}/settings`, { key: s.apiKey, body: { timezone: ZONE, workingHours: EVERY_DAY } });
    expect(settings.status).toBe(200);
    const service = await ctx.h.request('POST', `/api/client/${s.storeId}/services`, { key: s.apiKey, body: { name: 'Corte', priceCents: 5000, durationMinutes: 30 } });
    expect(service.status).toBe(201);
    const serviceId = service.body.id as string;
    const tomorrow = DateTime.now().setZone(ZONE).plus({ days: 1 }).toISODate()!;
    const at = (hhmm: string) => DateTime.fromISO(`${tomorrow}T${hhmm}`, { zone: ZONE }).toISO()!;

    // What the model does for each customer message: a tool call, then words for its result.
    const plans: Record<string, { call: { name: string; arguments: unknown }; say: (result: { ok: boolean; reason?: string }) => string }> = {
      'Quero marcar um corte amanhã às 15h': { call: { name: 'check_availability', arguments: { serviceId, date: tomorrow, time: '15:00' } }, say: () => 'Amanhã às 15h está livre. Posso confirmar?' },
      'sim, pode marcar': { call: { name: 'book_appointment', arguments: { serviceId, startsAt: at('15:00') } }, say: (r) => (r.ok ? 'Pronto, seu corte está marcado!' : `Não consegui: ${r.reason}`) },
      'e amanhã às 22h, dá?': { call: { name: 'book_appointment', arguments: { serviceId, startsAt: at('22:00') } }, say: (r) => (r.ok ? 'Marcado às 22h' : 'Às 22h estamos fechados, desculpe.') },
      'e às 16h?': { call: { name: 'check_availability', arguments: { serviceId, date: tomorrow, time: '16:00' } }, say: () => 'Às 16h está livre. Confirma?' },
      'confirmo as 16h': { call: { name: 'book_appointment', arguments: { serviceId, startsAt: at('16:00') } }, say: (r) => (r.ok ? 'Marcado às 16h' : 'Esse horário acabou de ser ocupado, quer outro?') },
    };
    ctx.stub.respond((r): StubReply => {
      const plan = plans[lastUser(r)];
      if (!plan) return { content: STUB_DEFAULT_REPLY };
      return r.body.messages.at(-1)!.role === 'tool' ? { content: plan.say(toolResults(r).at(-1)) } : { toolCalls: [plan.call] };
    });
    const contact = s.phone.contact(undefined, { pushName: 'Rui' });

    await contact.sendText('Quero marcar um corte amanhã às 15h');
    await contact.waitForText('Amanhã às 15h está livre. Posso confirmar?');
    const checked = await ctx.stub.requests.take((r) => r.body.messages.at(-1)!.role === 'tool', 'the availability result');
    expect(toolResults(checked)[0]).toMatchObject({ ok: true, requested: { free: true } });
    expect(contentText(checked.body.messages[0]!.content)).toContain('Corte: R$');
    expect(checked.body.tools!.map((t) => t.function.name)).toEqual(expect.arrayContaining(['check_availability', 'book_appointment', 'hand_off_to_human']));

    await contact.sendText('sim, pode marcar');
    await contact.waitForText('Pronto, seu corte está marcado!');
    const contactRow = await ctx.h.db.prisma.contact.findFirstOrThrow({ where: { storeId: s.storeId } });
    const booked = await ctx.h.db.prisma.appointment.findMany({ where: { storeId: s.storeId } });
    expect(booked.map((a) => [a.contactId, a.serviceId, a.startsAt.toISOString()])).toEqual([[contactRow.id, serviceId, new Date(at('15:00')).toISOString()]]);
    // The booking tool call is kept with the reply that made it, and audited.
    const turn = await eventually(() => ctx.h.db.prisma.botTurn.findFirst({ where: { storeId: s.storeId, replyText: 'Pronto, seu corte está marcado!' } }), (t) => t?.state === 'replied');
    expect(turn!.toolCalls).toEqual([expect.objectContaining({ name: 'book_appointment', result: expect.objectContaining({ ok: true }) })]);
    const audit = await ctx.h.db.prisma.auditLog.findMany({ where: { storeId: s.storeId, action: 'bot.tool_call' } });
    expect(audit.map((a) => (a.data as { tool: string }).tool)).toEqual(['check_availability', 'book_appointment']);

    await contact.sendText('e amanhã às 22h, dá?');
    await contact.waitForText('Às 22h estamos fechados, desculpe.');
    const closed = await ctx.stub.requests.take((r) => lastUser(r) === 'e amanhã às 22h, dá?' && r.body.messages.at(-1)!.role === 'tool', 'the refused booking');
    expect(toolResults(closed).at(-1)).toMatchObject({ ok: false, reason: 'outside_working_hours' });

    await contact.sendText('e às 16h?');
    await contact.waitForText('Às 16h está livre. Confirma?');
    // Someone books 16h from the dashboard before the customer confirms.
    const other = await ctx.h.db.prisma.contact.create({ data: { storeId: s.storeId, name: 'Outro' } });
    const taken = await ctx.h.request('POST', `/api/client/${s.storeId}/appointments`, { key: s.apiKey, body: { contactId: other.id, serviceId, startsAt: at('16:00') } });
    expect(taken.status).toBe(201);
    await contact.sendText('confirmo as 16h');
    await contact.waitForText('Esse horário acabou de ser ocupado, quer outro?');
    expect(await ctx.h.db.prisma.appointment.count({ where: { storeId: s.storeId, contactId: contactRow.id } })).toBe(1);
    ctx.stub.respond(() => ({ content: STUB_DEFAULT_REPLY }));
  });
});

describe('an AI context snapshot', () => {
  it('is made, stored, shown on the profile, and given to the bot in the next prompt', async () => {
    const s = await botStore(ctx, '5511988880002');
    const contact = s.phone.contact();
    await contact.sendText('oi, sou a Carla, prefiro horários de sábado');
    await contact.waitForText(STUB_DEFAULT_REPLY);
    const contactRow = await ctx.h.db.prisma.contact.findFirstOrThrow({ where: { storeId: s.storeId } });

    const summary = 'Carla prefere horários de sábado; cliente nova.';
    ctx.stub.queue({ content: JSON.stringify({ summary, flags: { noShowRisk: 'low', preferences: ['sábado'], objections: [], sentiment: 'positive' } }) });
    const made = await ctx.h.request('POST', `/api/client/${s.storeId}/contacts/${contactRow.id}/snapshot`, { key: s.apiKey, body: {} });
    expect([made.status, made.body.summary, made.body.reason]).toEqual([201, summary, 'manual']);
    const profile = await ctx.h.request('GET', `/api/client/${s.storeId}/contacts/${contactRow.id}/profile`, { key: s.apiKey });
    expect(profile.body.snapshot).toMatchObject({ id: made.body.id, summary });

    await contact.sendText('tem horário?');
    const request = await ctx.stub.requests.take((r) => lastUser(r) === 'tem horário?', 'the next prompt');
    expect(contentText(request.body.messages[0]!.content)).toContain(summary);
    const turn = await eventually(() => ctx.h.db.prisma.botTurn.findFirst({ where: { storeId: s.storeId, snapshotId: made.body.id } }), (t) => t?.state === 'replied');
    expect(turn?.snapshotId).toBe(made.body.id);
  });
});
