// The slot table an operator wants at a glance: every store's slots 1..MAX_SLOTS, including
// those never started, in the same shape the sessions route reports them.
import type { Db } from '../db/prisma.js';
import type { SlotsRepo } from '../whatsapp/engine/index.js';
import { toSlotView, type TSlotView } from '../whatsapp/sessions/index.js';

export type SlotLine = { storeId: string; storeName: string } & TSlotView;

export function createSlotsReport(db: Db, slots: SlotsRepo, maxSlots: number) {
  return async (storeId?: string): Promise<SlotLine[]> => {
    const stores = await db.store.findMany({ where: storeId ? { id: storeId } : {}, select: { id: true, name: true }, orderBy: { createdAt: 'asc' } });
    if (storeId && stores.length === 0) throw new Error(`no store ${storeId}`);
    const lines: SlotLine[] = [];
    for (const store of stores) {
      const rows = await slots.list(store.id);
      for (let slot = 1; slot <= maxSlots; slot++) {
        lines.push({ storeId: store.id, storeName: store.name, ...toSlotView(slot, rows.find((r) => r.slot === slot)) });
      }
    }
    return lines;
  };
}
