// POST /api/whatsapp/:storeId/check-numbers against the simulator: asked on the slot's socket,
// answered for the numbers it knows.
import { describe, expect, it } from '@jest/globals';
import { useDaemonSuite } from '../support/daemon-harness.js';
import { linkSlot } from '../support/link-slot.js';

const ctx = useDaemonSuite();
const check = (store: { storeId: string; apiKey: string }, body: unknown) =>
  ctx.h.request('POST', `/api/whatsapp/${store.storeId}/check-numbers`, { key: store.apiKey, body });

describe('number check', () => {
  it('says which numbers are on WhatsApp, with the JID to send to', async () => {
    const store = await ctx.h.createStore('Checker');
    await linkSlot(ctx.h, ctx.sim, store, 1, '5511955556001');
    ctx.sim.phone('5511955556001').setNotOnWhatsApp(['5511988886002']);
    const res = await check(store, { numbers: ['+55 (11) 98888-6001', '11 98888-6002', '+5511988886001'] });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      slot: 1,
      numbers: [
        { input: '+55 (11) 98888-6001', e164: '+5511988886001', onWhatsApp: true, jid: '5511988886001@s.whatsapp.net' },
        { input: '11 98888-6002', e164: '+5511988886002', onWhatsApp: false, jid: null },
        { input: '+5511988886001', e164: '+5511988886001', onWhatsApp: true, jid: '5511988886001@s.whatsapp.net' },
      ],
    });
  });

  it('refuses bad numbers naming them, and a store with nothing connected', async () => {
    const store = await ctx.h.createStore('Checker 2');
    const unlinked = await check(store, { numbers: ['+5511988886003'] });
    expect([unlinked.status, unlinked.body.error.code]).toEqual([409, 'CONFLICT']);
    const bad = await check(store, { numbers: ['+5511988886003', 'não é número'] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([expect.objectContaining({ path: ['numbers', 1] })]);
    for (const body of [{ numbers: [] }, { numbers: Array(51).fill('+5511988886003') }, { numbers: '+5511988886003' }, { numbers: ['+5511988886003'], extra: 1 }, { numbers: ['+5511988886003'], slot: 0 }]) {
      expect((await check(store, body)).status).toBe(400);
    }
  });
});
