// Acceptance: a connected slot whose sends stop being acknowledged is rebuilt from its creds.
import { expect, it } from '@jest/globals';
import { useDaemonSuite, waitForEvent } from '../../support/daemon-harness.js';
import { linkSlot } from '../../support/link-slot.js';

// Silence is only noticed through the unanswered send here: Baileys' own keepalive would give up
// after 35 s, the frame watchdog after a minute, the send watchdog after 4 s.
const ctx = useDaemonSuite({ env: { WA_KEEPALIVE_MS: '30000' }, engine: { livenessWindowMs: 60_000, sendAckTimeoutMs: 4_000 } });

it('rebuilds the socket when a send gets no server ack in time', async () => {
  const store = await ctx.h.createStore();
  await linkSlot(ctx.h, ctx.sim, store, 1, '5511933330201');
  const contact = ctx.sim.phone('5511933330201').contact();
  const supervisor = ctx.h.daemon.engine.supervisor({ storeId: store.storeId, slot: 1 })!;
  await contact.sendText('hi');
  await waitForEvent(ctx.h, 'message.received', (e) => e.text === 'hi');
  // A healthy send is acknowledged and does not trip the watchdog.
  const ok = await supervisor.sendText(contact.pnJid, 'ok');
  await contact.waitForText('ok');
  contact.sendReceipt(ok, 'server');
  await waitForEvent(ctx.h, 'message.status', (e) => e.waMessageId === ok && e.status === 'server_ack');

  const since = new Date();
  ctx.sim.silence('5511933330201');
  // Stuck on the silent server: the send fails and the socket is rebuilt for it.
  const stuck = supervisor.sendText(contact.pnJid, 'into the void').catch((err: Error) => err);
  const rebuilding = await waitForEvent(ctx.h, 'session.status', (e) => e.storeId === store.storeId && e.status === 'connecting' && e.at >= since, 30_000);
  expect(rebuilding.lastError).toBe('send stuck for 4000 ms');
  await waitForEvent(ctx.h, 'session.status', (e) => e.storeId === store.storeId && e.status === 'connected' && e.at >= since, 30_000);
  expect(await stuck).toBeInstanceOf(Error);
}, 120_000);
