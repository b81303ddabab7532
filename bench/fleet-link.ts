// Links N slots on a daemon as store owners do (over HTTP: the admin makes the store, the store
// starts each slot, the simulator's phone scans its QR) and reads their statuses back.
import { ADMIN_KEY } from '../test/support/daemon-env.js';
import { eventually } from '../test/support/eventually.js';
import { jsonRequest } from '../test/support/json-request.js';
import type { WhatsAppSimulator } from '../test/wa-sim/index.js';

export const SLOTS_PER_STORE = 3;

export interface FleetStore {
  storeId: string;
  apiKey: string;
}

export interface FleetSlot {
  store: FleetStore;
  slot: number;
  /** the simulated phone linked to it */
  phone: string;
}

/** Phones are numbered by slot; a bench has its own simulator, so they only need to differ here. */
const phoneOf = (index: number) => `5511${7_000_0000 + index}`;

async function linkSlot(url: string, sim: WhatsAppSimulator, slot: FleetSlot): Promise<void> {
  const { storeId, apiKey } = slot.store;
  const call = (method: string, path: string) => jsonRequest(url, method, `/api/whatsapp/${storeId}/${slot.slot}${path}`, { key: apiKey });
  const started = await call('POST', '/start');
  if (started.status !== 200) throw new Error(`start of ${storeId}/${slot.slot} answered ${started.status}: ${JSON.stringify(started.body)}`);
  // A busy machine can outlast the start's own wait for the QR: ask for it until it is there.
  const qr = await eventually(() => call('GET', '/qr'), (r) => r.status === 200, 120_000);
  if (qr.status !== 200) throw new Error(`${storeId}/${slot.slot} showed no QR: ${JSON.stringify(qr.body)}`);
  await sim.scanQr(qr.body.qr, { phone: slot.phone, timeoutMs: 120_000 });
  const status = await eventually(async () => (await call('GET', '/status')).body.status, (s) => s === 'connected', 120_000);
  if (status !== 'connected') throw new Error(`${storeId}/${slot.slot} stayed ${status} after the scan`);
}

/**
 * `count` slots on ⌈count / 3⌉ new stores, `parallel` stores linked at a time (each store's
 * slots one after another). Resolves once every one is connected; throws on the first that is not.
 */
export async function linkFleet(url: string, sim: WhatsAppSimulator, count: number, parallel: number): Promise<FleetSlot[]> {
  const stores = Math.ceil(count / SLOTS_PER_STORE);
  const slots: FleetSlot[] = [];
  let next = 0;
  const worker = async () => {
    for (let s = next++; s < stores; s = next++) {
      const store = (await jsonRequest(url, 'POST', '/api/admin/stores', { key: ADMIN_KEY, body: { name: `fleet ${s}` } })).body as FleetStore;
      for (let slot = 1; slot <= SLOTS_PER_STORE && s * SLOTS_PER_STORE + slot <= count; slot++) {
        const linked = { store, slot, phone: phoneOf(s * SLOTS_PER_STORE + slot) };
        await linkSlot(url, sim, linked);
        slots.push(linked);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, stores) }, worker));
  return slots;
}

/** How many of `slots` the daemon at `url` reports `connected` (one GET sessions per store). */
export async function connectedOver(url: string, slots: FleetSlot[]): Promise<number> {
  const stores = [...new Map(slots.map((s) => [s.store.storeId, s.store])).values()];
  let connected = 0;
  for (const store of stores) {
    const { body } = await jsonRequest(url, 'GET', `/api/whatsapp/${store.storeId}/sessions`, { key: store.apiKey });
    const mine = new Set(slots.filter((s) => s.store.storeId === store.storeId).map((s) => s.slot));
    connected += (body.data as Array<{ slot: number; status: string }>).filter((v) => mine.has(v.slot) && v.status === 'connected').length;
  }
  return connected;
}
