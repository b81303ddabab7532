// Links a slot the way a store owner does: start, take the QR, scan it with the simulator's phone.
import type { WhatsAppSimulator } from '../wa-sim/index.js';
import { waitForEvent, type DaemonHarness } from './daemon-harness.js';
import { eventually } from './eventually.js';
import { jsonRequest } from './json-request.js';

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

/**
 * Links slot 1 of a new store on a daemon that runs as its own process (PM2, spawnDaemon), over
 * its HTTP API only: the admin creates the store, the store starts the slot, the phone scans.
 */
export async function linkedStoreOver(url: string, sim: WhatsAppSimulator, adminKey: string, name: string, phone: string): Promise<{ storeId: string; apiKey: string }> {
  const store = (await jsonRequest(url, 'POST', '/api/admin/stores', { key: adminKey, body: { name } })).body as { storeId: string; apiKey: string };
  const call = (method: string, path: string) => jsonRequest(url, method, path, { key: store.apiKey });
  await call('POST', `/api/whatsapp/${store.storeId}/1/start`);
  const qr = await eventually(() => call('GET', `/api/whatsapp/${store.storeId}/1/qr`), (r) => r.status === 200, 60_000);
  await sim.scanQr(qr.body.qr, { phone });
  await eventually(async () => (await call('GET', `/api/whatsapp/${store.storeId}/1/status`)).body.status, (s) => s === 'connected', 60_000);
  return store;
}
