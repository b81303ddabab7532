// session_slots: what every process knows about every slot (status, QR, phone), so any process
// can serve the API. The owning process writes; writes NOTIFY so other processes' live streams
// hear about them.
import type pg from 'pg';
import type { Db } from '../../db/prisma.js';
import { writeNoEvents, type NamedEvent, type WriteEventsInTransaction } from '../../events/committed-events.js';
import type { SessionStatusEvent } from '../../events/domain-events.js';
import type { SlotRef } from '../../kernel/index.js';
import { CHANNELS, type TSlotChangeNotice, type TStoreChangeNotice } from './slot-channels.js';

export interface SlotRow {
  storeId: string;
  slot: number;
  status: string;
  desired: string;
  phone: string | null;
  jidPn: string | null;
  jidLid: string | null;
  pushName: string | null;
  qrRaw: string | null;
  qrDataUrl: string | null;
  qrExpiresAt: Date | null;
  lastError: string | null;
  lastConnectedAt: Date | null;
  updatedAt: Date;
}

/** SlotRow's columns, for the two reads every status poll makes (straight through pg: BENCHMARKS.md, HTTP). */
const SLOT_ROW_COLUMNS = `store_id AS "storeId", slot, status, desired, phone, jid_pn AS "jidPn", jid_lid AS "jidLid", push_name AS "pushName",
  qr_raw AS "qrRaw", qr_data_url AS "qrDataUrl", qr_expires_at AS "qrExpiresAt", last_error AS "lastError",
  last_connected_at AS "lastConnectedAt", updated_at AS "updatedAt"`;

export type StatusPatch = Pick<SessionStatusEvent, 'status' | 'phone' | 'jidPn' | 'jidLid' | 'pushName' | 'lastError'>;

/**
 * `processId` goes into every change notice, so this process can skip its own. `writeEvents`: the
 * webhook outbox, for the session events a status or QR write commits with.
 */
export function createSlotsRepo(db: Db, pool: pg.Pool, processId: string, writeEvents: WriteEventsInTransaction = writeNoEvents) {
  const where = (ref: SlotRef) => ({ storeId_slot: { storeId: ref.storeId, slot: ref.slot } });
  // Callers often pass a whole event as the ref; only these two fields may reach a row.
  const keyOf = (ref: SlotRef) => ({ storeId: ref.storeId, slot: ref.slot });

  async function notifyChanged(ref: SlotRef): Promise<void> {
    const notice: TSlotChangeNotice = { ...keyOf(ref), origin: processId };
    await pool.query('SELECT pg_notify($1, $2)', [CHANNELS.changes, JSON.stringify(notice)]);
  }

  return {
    /** Tells every process (this one included, where NOTIFY reaches it) that a store's key or life changed. */
    async notifyStoreChanged(notice: TStoreChangeNotice): Promise<void> {
      await pool.query('SELECT pg_notify($1, $2)', [CHANNELS.stores, JSON.stringify(notice)]);
    },

    async list(storeId: string): Promise<SlotRow[]> {
      return (await pool.query<SlotRow>(`SELECT ${SLOT_ROW_COLUMNS} FROM session_slots WHERE store_id = $1 ORDER BY slot`, [storeId])).rows;
    },

    async get(ref: SlotRef): Promise<SlotRow | null> {
      return (await pool.query<SlotRow>(`SELECT ${SLOT_ROW_COLUMNS} FROM session_slots WHERE store_id = $1 AND slot = $2`, [ref.storeId, ref.slot])).rows[0] ?? null;
    },

    /** Slots their owners want running (resume on boot, takeover of orphans). */
    listWanted(): Promise<Array<{ storeId: string; slot: number }>> {
      return db.sessionSlot.findMany({ where: { desired: 'running' }, select: { storeId: true, slot: true } });
    },

    async setDesired(ref: SlotRef, desired: 'running' | 'stopped'): Promise<void> {
      await db.sessionSlot.upsert({ where: where(ref), create: { ...keyOf(ref), desired }, update: { desired } });
    },

    /** Records a status; a QR is only kept while the status is `qrcode`. */
    async recordStatus(ref: SlotRef, patch: StatusPatch, events: NamedEvent[] = []): Promise<void> {
      const now = new Date();
      const data = {
        ...patch,
        ...(patch.status === 'qrcode' ? {} : { qrRaw: null, qrDataUrl: null, qrExpiresAt: null }),
        ...(patch.status === 'connected' ? { lastConnectedAt: now } : {}),
        ...(patch.status !== 'connected' && patch.status !== 'qrcode' && patch.status !== 'connecting' ? { lastDisconnectedAt: now } : {}),
      };
      await db.$transaction(async (tx) => {
        await tx.sessionSlot.upsert({ where: where(ref), create: { ...keyOf(ref), ...data }, update: data });
        // The first connection after a link starts the number's warm-up; a logout ends the link.
        if (patch.status === 'connected') await tx.sessionSlot.updateMany({ where: { ...keyOf(ref), linkedAt: null }, data: { linkedAt: now } });
        if (patch.status === 'logged_out') await tx.sessionSlot.updateMany({ where: keyOf(ref), data: { linkedAt: null } });
        await writeEvents(tx, events);
      });
      await notifyChanged(ref);
    },

    async recordQr(ref: SlotRef, qr: { raw: string; dataUrl: string; expiresAt: Date }, events: NamedEvent[] = []): Promise<void> {
      const data = { status: 'qrcode', qrRaw: qr.raw, qrDataUrl: qr.dataUrl, qrExpiresAt: qr.expiresAt };
      await db.$transaction(async (tx) => {
        await tx.sessionSlot.upsert({ where: where(ref), create: { ...keyOf(ref), ...data }, update: data });
        await writeEvents(tx, events);
      });
      await notifyChanged(ref);
    },
  };
}

export type SlotsRepo = ReturnType<typeof createSlotsRepo>;
