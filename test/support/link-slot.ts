// Links a slot the way a store owner does: start, take the QR, scan it with the simulator's phone.
import type { WhatsAppSimulator } from '../wa-sim/index.js';
import { waitForEvent, type DaemonHarness } from './daemon-harness.js';

export async function linkSlot(h: DaemonHarness, sim: WhatsAppSimulator, store: { storeId: string; apiKey: string }, slot: number, phone: string): Promise<void> {
  const started = await h.request('POST', `/api/whatsapp/${store.storeId}/${slot}/start`, { key: store.apiKey });
  if (started.body.status !== 'qrcode') throw new Error(`slot ${slot} did not show a QR: ${JSON.stringify(started.body)}`);
  const qr = await h.request('GET', `/api/whatsapp/${store.storeId}/${slot}/qr`, { key: store.apiKey });
  await sim.scanQr(qr.body.qr, { phone });
  await waitForEvent(h, 'session.status', (e) => e.storeId === store.storeId && e.slot === slot && e.status === 'connected', 30_000);
  await h.daemon.engine.drainSlotWrites();
}
