// Acceptance: a connected slot whose sends stop being acknowledged is rebuilt from its creds.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { useSimulatorSuite } from '../../wa-sim/simulator-suite.js';
import { createDaemonHarness, waitForEvent, type DaemonHarness } from '../../support/daemon-harness.js';
import { linkSlot } from '../../support/link-slot.js';

const suite = useSimulatorSuite();
let h: DaemonHarness;
beforeAll(async () => {
  // Silence is only noticed through the unanswered send here: Baileys' own keepalive would give up
  // after 35 s, the frame watchdog after a minute, the send watchdog after 4 s.
  h = await createDaemonHarness(suite.sim, { env: { WA_KEEPALIVE_MS: '30000' }, engine: { livenessWindowMs: 60_000, sendAckTimeoutMs: 4_000 } });
});
afterAll(async () => {
  await h?.close();
});

it('rebuilds the socket when a send gets no server ack in time', async () => {
  const store = await h.createStore();
  await linkSlot(h, suite.sim, store, 1, '5511933330201');
  const contact = suite.sim.phone('5511933330201').contact();
  const supervisor = h.daemon.engine.supervisor({ storeId: store.storeId, slot: 1 })!;
  await contact.sendText('hi');
  await waitForEvent(h, 'message.received', (e) => e.text === 'hi');
  // A healthy send is acknowledged and does not trip the watchdog.
  const ok = await supervisor.sendText(contact.pnJid, 'ok');
  await contact.waitForText('ok');
  contact.sendReceipt(ok, 'server');
  await waitForEvent(h, 'message.status', (e) => e.waMessageId === ok && e.status === 'server_ack');

  suite.sim.silence('5511933330201');
  const sentAt = Date.now();
  // Stuck on the silent server; it fails when the watchdog ends the socket.
  const stuck = supervisor.sendText(contact.pnJid, 'into the void').catch((err: Error) => err);
  await waitForEvent(h, 'session.status', (e) => e.storeId === store.storeId && e.status === 'connecting', 10_000);
  expect(Date.now() - sentAt).toBeLessThan(9_000);
  await waitForEvent(h, 'session.status', (e) => e.storeId === store.storeId && e.status === 'connected', 10_000);
  expect(await stuck).toBeInstanceOf(Error);
});
