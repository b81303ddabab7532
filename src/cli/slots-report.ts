// The slot table an operator wants at a glance: every store's slots 1..MAX_SLOTS, including
// those never started (they have no row yet and are reported as disconnected).
import type { Db } from '../db/prisma.js';

export interface SlotLine {
  storeId: string;
  storeName: string;
  slot: number;
  status: string;
  phone: string | null;
  lastError: string | null;
  updatedAt: string | null;
}

export function createSlotsReport(db: Db, maxSlots: number) {
  return async (storeId?: string): Promise<SlotLine[]> => {
    const stores = await db.store.findMany({
      where: storeId ? { id: storeId } : {},
      select: { id: true, name: true, slots: true },
      orderBy: { createdAt: 'asc' },
    });
    if (storeId && stores.length === 0) throw new Error(`no store ${storeId}`);
    return stores.flatMap((store) =>
      Array.from({ length: maxSlots }, (_, i) => {
        const row = store.slots.find((s) => s.slot === i + 1);
        return {
          storeId: store.id,
          storeName: store.name,
          slot: i + 1,
          status: row?.status ?? 'disconnected',
          phone: row?.phone ?? null,
          lastError: row?.lastError ?? null,
          updatedAt: row?.updatedAt.toISOString() ?? null,
        };
      }),
    );
  };
}
