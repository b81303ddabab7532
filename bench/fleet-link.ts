// Links N slots on a daemon as store owners do (over HTTP: the admin makes the store, the store
// starts each slot, the simulator's phone scans its QR) and reads their statuses back.
import { ADMIN_KEY } from '../test/support/daemon-env.js';
import { jsonRequest } from '../test/support/json-request.js';
import type { WhatsAppSimulator } from '../test/wa-sim/index.js';
import { linkSlot } from './store-api.js';

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
        await linkSlot(url, sim, store, slot, linked.phone);
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
