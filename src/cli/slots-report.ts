// The slot table an operator wants at a glance: every store's slots 1..MAX_SLOTS, including
// those never started, in the same shape the sessions route reports them.
import type { StoresService } from '../stores/index.js';
import type { SessionsService, TSlotView } from '../whatsapp/sessions/index.js';

export type SlotLine = { storeId: string; storeName: string } & TSlotView;

export function createSlotsReport(stores: StoresService, sessions: SessionsService) {
  return async (storeId?: string): Promise<SlotLine[]> => {
    const list = storeId ? [await stores.get(storeId)] : await allStores(stores);
    const lines: SlotLine[] = [];
    for (const store of list) {
      for (const view of await sessions.list(store.storeId)) lines.push({ storeId: store.storeId, storeName: store.name, ...view });
    }
    return lines;
  };
}

async function allStores(stores: StoresService) {
  const all = [];
  let cursor: string | undefined;
  do {
    const page = await stores.list(200, cursor);
    all.push(...page.data);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return all;
}
