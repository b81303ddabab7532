// A WhatsApp slot of a store: the unit of ownership, locking, ordering and addressing.

export interface SlotRef {
  storeId: string;
  slot: number;
}

/** The map key of a slot ("<storeId>:<slot>"). */
export function slotKey(ref: SlotRef): string {
  return `${ref.storeId}:${ref.slot}`;
}

/** Only the two fields of a ref (callers often pass a whole event as one). */
export function toSlotRef(ref: SlotRef): SlotRef {
  return { storeId: ref.storeId, slot: ref.slot };
}
