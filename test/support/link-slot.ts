// Links a slot the way a store owner does: start, take the QR, scan it with the simulator's phone.
import type { WhatsAppSimulator } from '../wa-sim/index.js';
import { waitForEvent, type DaemonHarness } from './daemon-harness.js';
import { eventually } from './eventually.js';

export async function linkSlot(h: DaemonHarness, sim: WhatsAppSimulator, store: { storeId: string; apiKey: string }, slot: number, phone: string): Promise<void> {
  const started = await h.request('POST', `/api/whatsapp/${store.storeId}/${slot}/start`, { key: store.apiKey });
  if (!['qrcode', 'connecting'].includes(started.body.status)) throw new Error(`slot ${slot} did not start: ${JSON.stringify(started.body)}`);
  // The start answers within its wait (8 s), which a loaded machine can outlast before the QR
  // comes; then, as the dashboard does, the QR is asked for until it is there.
  const qrOf = () => h.request('GET', `/api/whatsapp/${store.storeId}/${slot}/qr`, { key: store.apiKey });
  const qr = await eventually(qrOf, (r) => r.status === 200, 60_000);
  if (qr.status !== 200) throw new Error(`slot ${slot} showed no QR: ${JSON.stringify(qr.body)}`);
  await sim.scanQr(qr.body.qr, { phone });
  await waitForEvent(h, 'session.status', (e) => e.storeId === store.storeId && e.slot === slot && e.status === 'connected', 30_000);
  await h.daemon.engine.drainSlotWrites();
}
