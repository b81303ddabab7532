// The send governor end to end: each limit holds or refuses a send and names itself; WhatsApp's
// own refusal (463) holds new chats from the slot while replies keep flowing.
import { describe, expect, it } from '@jest/globals';
import { useDaemonSuite } from '../support/daemon-harness.js';
import { eventually } from '../support/eventually.js';
import { linkSlot } from '../support/link-slot.js';

const ctx = useDaemonSuite();
type Store = { storeId: string; apiKey: string };

const send = (store: Store, body: unknown) => ctx.h.request('POST', `/api/whatsapp/${store.storeId}/messages`, { key: store.apiKey, body });
const read = async (store: Store, id: string) => (await ctx.h.request('GET', `/api/whatsapp/${store.storeId}/messages/${id}`, { key: store.apiKey })).body;
const settings = (store: Store, body: unknown) => ctx.h.request('PATCH', `/api/whatsapp/${store.storeId}/send-settings`, { key: store.apiKey, body });

async function linkedStore(name: string, phone: string, sendPolicy: Record<string, unknown>): Promise<Store> {
  const store = await ctx.h.createStore(name);
  expect((await settings(store, { sendPolicy: { typingMinMs: 0, typingMaxMs: 0, ...sendPolicy } })).status).toBe(200);
  await linkSlot(ctx.h, ctx.sim, store, 1, phone);
  return store;
}

describe('send settings', () => {
  it('start at the defaults, change field by field, and refuse what makes no sense', async () => {
    const store = await ctx.h.createStore('Settings Store');
    const initial = await ctx.h.request('GET', `/api/whatsapp/${store.storeId}/send-settings`, { key: store.apiKey });
    expect(initial.body).toEqual({ defaultCountry: 'BR', sendPolicy: expect.objectContaining({ perSlotPerMinute: 20, perContactPerHour: 30, quietHours: null }) });
    const changed = await settings(store, { defaultCountry: 'PT', sendPolicy: { perSlotPerMinute: 5 } });
    expect(changed.body).toEqual({ defaultCountry: 'PT', sendPolicy: expect.objectContaining({ perSlotPerMinute: 5, perContactPerHour: 30 }) });
    // A later change keeps the earlier one.
    expect((await settings(store, { sendPolicy: { perContactPerHour: 7 } })).body.sendPolicy).toEqual(expect.objectContaining({ perSlotPerMinute: 5, perContactPerHour: 7 }));
    for (const bad of [{ sendPolicy: { perSlotPerMinute: 0 } }, { sendPolicy: { bogus: 1 } }, { sendPolicy: { typingMinMs: 9000, typingMaxMs: 100 } }, { defaultCountry: 'brazil' }, { sendPolicy: { quietHours: { start: '25:00', end: '07:00' } } }]) {
      const res = await settings(store, bad);
      expect({ bad, status: res.status, code: res.body.error?.code }).toEqual({ bad, status: 400, code: 'VALIDATION_FAILED' });
    }
    expect((await ctx.h.request('GET', `/api/whatsapp/${store.storeId}/send-settings`, { key: store.apiKey })).body.sendPolicy.perSlotPerMinute).toBe(5);
  });
});

describe('limits', () => {
  it('per contact per hour: the send past the cap is a 429 naming it, and nothing is written', async () => {
    const store = await linkedStore('Cap Store', '5511955552001', { perContactPerHour: 2 });
    const to = '+5511988882001';
    expect((await send(store, { to, type: 'text', text: 'um' })).status).toBe(202);
    expect((await send(store, { to, type: 'text', text: 'dois' })).status).toBe(202);
    const third = await send(store, { to, type: 'text', text: 'três' });
    expect(third.status).toBe(429);
    expect(third.body.error.details).toEqual(expect.objectContaining({ limit: 'perContactPerHour', allowed: 2 }));
    expect(third.body.error.message).toMatch(/perContactPerHour/);
    expect(third.headers.get('retry-after')).toBe('3600');
    expect(await ctx.h.db.prisma.message.count({ where: { storeId: store.storeId } })).toBe(2);
    // Another contact is not held by this one's cap.
    expect((await send(store, { to: '+5511988882002', type: 'text', text: 'outro' })).status).toBe(202);
  });

  it('per slot per minute: the next send waits its turn, queued with the limit named', async () => {
    const store = await linkedStore('Rate Store', '5511955552002', { perSlotPerMinute: 1 });
    const a = ctx.sim.phone('5511955552002').contact('5511988882003');
    const first = await send(store, { to: a.pnJid, type: 'text', text: 'primeira' });
    const second = await send(store, { to: '5511988882004@s.whatsapp.net', type: 'text', text: 'segunda' });
    await a.waitForText('primeira');
    const held = await eventually(() => read(store, second.body.id), (m) => m.reason === 'slot_rate');
    expect(held).toEqual(expect.objectContaining({ status: 'queued', reason: 'slot_rate' }));
    expect(held.history).toEqual([expect.objectContaining({ status: 'queued', reason: null }), expect.objectContaining({ status: 'queued', reason: 'slot_rate' })]);
    expect((await read(store, first.body.id)).status).toBe('sent');
  });

  it('warm-up: a number linked today sends its daily allowance, then holds', async () => {
    const store = await linkedStore('Warmup Store', '5511955552003', { warmupDays: 3, warmupPerDay: 1 });
    const first = await send(store, { to: '+5511988882005', type: 'text', text: 'primeira' });
    const second = await send(store, { to: '+5511988882006', type: 'text', text: 'segunda' });
    await eventually(() => read(store, first.body.id), (m) => m.status === 'sent');
    const held = await eventually(() => read(store, second.body.id), (m) => m.reason === 'warmup_daily_cap');
    expect(held).toEqual(expect.objectContaining({ status: 'queued', reason: 'warmup_daily_cap' }));
  });

  it('quiet hours: a send in the window is accepted, held until it ends, and says so', async () => {
    const hhmm = (d: Date) => new Intl.DateTimeFormat('en-GB', { timeZone: 'America/Sao_Paulo', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d);
    const now = Date.now();
    const quietHours = { start: hhmm(new Date(now - 3_600_000)), end: hhmm(new Date(now + 3_600_000)) };
    const store = await linkedStore('Quiet Store', '5511955552004', { quietHours });
    const res = await send(store, { to: '+5511988882007', type: 'text', text: 'de madrugada' });
    expect(res.status).toBe(202);
    expect(res.body.heldBy).toBe('quiet_hours');
    expect(new Date(res.body.notBefore).getTime()).toBeGreaterThan(now + 3_000_000);
    expect(await read(store, res.body.id)).toEqual(expect.objectContaining({ status: 'queued', reason: 'quiet_hours' }));
  });
});

describe("WhatsApp's 463", () => {
  it('fails the refused new chat with the reason, holds further new chats, and lets replies through', async () => {
    const store = await linkedStore('Timelock Store', '5511955552005', {});
    const phone = ctx.sim.phone('5511955552005');
    const customer = phone.contact('5511988882008', { pushName: 'Cliente' });
    await customer.sendText('oi, tem pizza?');
    await eventually(() => ctx.h.db.prisma.message.count({ where: { storeId: store.storeId, direction: 'inbound' } }), (n) => n === 1);
    phone.refuseNewChats();

    const cold = await send(store, { to: '+5511988882009', type: 'text', text: 'promoção!' });
    const failed = await eventually(() => read(store, cold.body.id), (m) => m.status === 'failed');
    expect(failed.reason).toMatch(/463/);
    // The hold is recorded by the send-status subscriber when the 463 arrives, which may be just
    // after the message's status changed: wait for it rather than read it once.
    expect(await eventually(() => ctx.h.db.prisma.sendHold.count({ where: { storeId: store.storeId, slot: 1 } }), (n) => n === 1)).toBe(1);

    const colder = await send(store, { to: '+5511988882010', type: 'text', text: 'promoção 2' });
    const reply = await send(store, { to: customer.pnJid, type: 'text', text: 'temos sim!' });
    expect((await customer.waitForText('temos sim!')).text).toBe('temos sim!');
    expect(await eventually(() => read(store, colder.body.id), (m) => m.reason === 'reachout_timelock')).toEqual(expect.objectContaining({ status: 'queued', reason: 'reachout_timelock' }));
    expect((await read(store, reply.body.id)).status).not.toBe('failed');
  });
});
