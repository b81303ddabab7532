// Stores and linked slots for the benchmarks, over the HTTP API only, as a store owner does it:
// the admin creates the store, the store starts a slot, takes its QR, the simulator's phone scans
// it, and the slot reports connected. (test/support/link-slot.ts is jest's.)
import { ADMIN_KEY } from '../test/support/daemon-env.js';
import { eventually } from '../test/support/eventually.js';
import { jsonRequest } from '../test/support/json-request.js';
import type { Phone, WhatsAppSimulator } from '../test/wa-sim/index.js';

export interface BenchStore {
  storeId: string;
  apiKey: string;
}

/** A call that must succeed: a bench stops at the first refusal, saying what was refused. */
export async function call(url: string, method: string, path: string, key: string, body?: unknown): Promise<any> {
  const r = await jsonRequest(url, method, path, { key, body });
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
  return r.body;
}

export const createStore = (url: string, name: string, adminKey = ADMIN_KEY): Promise<BenchStore> => call(url, 'POST', '/api/admin/stores', adminKey, { name });

/** Links `slot` of the store to the simulator's phone `phone`; a loaded machine gets minutes. */
export async function linkSlot(url: string, sim: WhatsAppSimulator, store: BenchStore, slot: number, phone: string): Promise<Phone> {
  const base = `/api/whatsapp/${store.storeId}/${slot}`;
  await call(url, 'POST', `${base}/start`, store.apiKey);
  const qr = await eventually(() => jsonRequest(url, 'GET', `${base}/qr`, { key: store.apiKey }), (r) => r.status === 200, 120_000);
  if (qr.status !== 200) throw new Error(`slot ${slot} showed no QR: ${JSON.stringify(qr.body)}`);
  const linked = await sim.scanQr(qr.body.qr, { phone, timeoutMs: 120_000 });
  const status = await eventually(async () => (await call(url, 'GET', `${base}/status`, store.apiKey)).status, (s) => s === 'connected', 120_000);
  if (status !== 'connected') throw new Error(`slot ${slot} did not connect (status ${status})`);
  return linked;
}

/** The send governor as loose as its settings go: no typing, no warm-up, the highest rates. */
export const GOVERNOR_OFF = { perSlotPerMinute: 600, perContactPerHour: 1000, warmupDays: 0, typingMsPerChar: 0, typingMinMs: 0, typingMaxMs: 0, quietHours: null };

export const setSendPolicy = (url: string, store: BenchStore, sendPolicy: Record<string, unknown>) =>
  call(url, 'PATCH', `/api/whatsapp/${store.storeId}/send-settings`, store.apiKey, { sendPolicy });
