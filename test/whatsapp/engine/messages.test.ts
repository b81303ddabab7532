// The socket's message traffic as domain events: inbound texts (live and held while offline) with
// both JIDs, and the status of what the slot sends (server ack, delivered, read).
import { beforeAll, describe, expect, it } from '@jest/globals';
import { useDaemonSuite, waitForEvent } from '../../support/daemon-harness.js';
import { linkSlot } from '../../support/link-slot.js';

const ctx = useDaemonSuite();
let store: { storeId: string; apiKey: string };
beforeAll(async () => {
  store = await ctx.h.createStore();
  await linkSlot(ctx.h, ctx.sim, store, 1, '5511922220001');
});

describe('message events', () => {
  it('reports a PN-addressed text with the LID as the other JID', async () => {
    const contact = ctx.sim.phone('5511922220001').contact('5511922229999', { pushName: 'Maria' });
    await contact.sendText('quero uma pizza', { addressing: 'pn' });
    const event = await waitForEvent(ctx.h, 'message.received', (e) => e.text === 'quero uma pizza');
    expect(event).toMatchObject({
      storeId: store.storeId,
      slot: 1,
      remoteJid: '5511922229999@s.whatsapp.net',
      remoteJidAlt: contact.lidJid,
      addressingMode: 'pn',
      pushName: 'Maria',
      type: 'text',
      delivery: 'live',
    });
  });

  it('reports messages WhatsApp held while the slot was stopped, on the next start', async () => {
    const contact = ctx.sim.phone('5511922220001').contact();
    await contact.sendText('before the stop');
    await waitForEvent(ctx.h, 'message.received', (e) => e.text === 'before the stop');
    await ctx.h.request('POST', `/api/whatsapp/${store.storeId}/1/stop`, { key: store.apiKey });
    await contact.sendText('while stopped');
    await ctx.h.request('POST', `/api/whatsapp/${store.storeId}/1/start`, { key: store.apiKey });
    const held = await waitForEvent(ctx.h, 'message.received', (e) => e.text === 'while stopped');
    expect(held).toMatchObject({ delivery: 'offline', remoteJid: contact.lidJid, remoteJidAlt: contact.pnJid });
  });

  it('follows a sent text through server ack, delivered and read', async () => {
    const contact = ctx.sim.phone('5511922220001').contact();
    const supervisor = ctx.h.daemon.engine.supervisor({ storeId: store.storeId, slot: 1 })!;
    const id = await supervisor.sendText(contact.pnJid, 'sua pizza saiu');
    expect((await contact.waitForText('sua pizza saiu')).id).toBe(id);
    contact.sendReceipt(id, 'delivered');
    await waitForEvent(ctx.h, 'message.status', (e) => e.waMessageId === id && e.status === 'delivered');
    contact.sendReceipt(id, 'read');
    const read = await waitForEvent(ctx.h, 'message.status', (e) => e.waMessageId === id && e.status === 'read');
    expect(read).toMatchObject({ storeId: store.storeId, slot: 1 });
  });
});
