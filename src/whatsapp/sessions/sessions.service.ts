// The session use-cases behind the routes. Any process can serve them: reads come from
// session_slots, and commands reach whichever process owns the slot.
import type { SlotRef } from '../../events/domain-events.js';
import { AppError, ErrorCode } from '../../kernel/index.js';
import type { SessionEngine } from '../engine/index.js';
import type { SlotCommand } from '../engine/index.js';
import { isActive, PARKED_STATUSES, type TSlotStatus } from '../../kernel/index.js';
import type { SlotRow, SlotsRepo } from '../engine/index.js';
import type { TSlotView, TStartResult } from './sessions.schemas.js';

export function toSlotView(slot: number, row: SlotRow | undefined | null): TSlotView {
  const status = (row?.status ?? 'disconnected') as TSlotStatus;
  return {
    slot,
    status,
    isActive: isActive(status),
    ...(status === 'qrcode' && row?.qrDataUrl ? { qrCode: row.qrDataUrl } : {}),
    ...(row?.phone ? { phone: row.phone } : {}),
    ...(row?.jidPn ? { jid: row.jidPn } : {}),
    ...(row?.jidLid ? { lid: row.jidLid } : {}),
    ...(row?.lastError ? { lastError: row.lastError } : {}),
    updatedAt: row?.updatedAt.toISOString() ?? null,
  };
}

/** A status a caller can act on: a QR to show, connected, or stopped for a reason. */
function isSettledStatus(status: TSlotStatus): boolean {
  return status === 'qrcode' || status === 'connected' || (PARKED_STATUSES.has(status) && status !== 'disconnected');
}

function isSettled(row: SlotRow | null): boolean {
  if (!row) return false;
  if (row.status === 'qrcode') return Boolean(row.qrDataUrl);
  return isSettledStatus(row.status as TSlotStatus);
}

export function createSessionsService(deps: { engine: SessionEngine; slots: SlotsRepo; maxSlots: number; startWaitMs: number }) {
  const { engine, slots } = deps;

  async function waitForRow(ref: SlotRef, until: (row: SlotRow | null) => boolean, timeoutMs: number): Promise<SlotRow | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const row = await slots.get(ref);
      if (until(row) || Date.now() >= deadline) return row;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function command(ref: SlotRef, cmd: SlotCommand): Promise<Record<string, unknown>> {
    const outcome = await engine.execute(ref, cmd);
    if (!outcome) throw new AppError(ErrorCode.SERVICE_UNAVAILABLE, 'The process running this slot did not answer; try again');
    if (!outcome.ok) throw new AppError(ErrorCode.CONFLICT, outcome.error ?? 'The command could not run');
    return outcome.result ?? {};
  }

  return {
    async list(storeId: string): Promise<TSlotView[]> {
      const rows = await slots.list(storeId);
      return Array.from({ length: deps.maxSlots }, (_, i) => toSlotView(i + 1, rows.find((r) => r.slot === i + 1)));
    },

    async get(ref: SlotRef): Promise<TSlotView> {
      return toSlotView(ref.slot, await slots.get(ref));
    },

    /** Starts the slot (here or wherever it runs) and waits briefly for a QR or the open socket. */
    async start(ref: SlotRef): Promise<TStartResult> {
      const outcome = await engine.startSlot(ref);
      // Run here: wait on the supervisor itself, then for its writes; run elsewhere: poll the row.
      const local = engine.supervisor(ref);
      if (local) {
        await local.whenStatus(isSettledStatus, deps.startWaitMs);
        await engine.drainSlotWrites(ref);
      }
      const row = await waitForRow(ref, isSettled, local ? 0 : deps.startWaitMs);
      const view = toSlotView(ref.slot, row);
      const message =
        view.status === 'connected' ? (outcome === 'started' ? 'connected from saved session' : 'already connected') : view.status === 'qrcode' ? 'scan the QR code with WhatsApp' : undefined;
      return { success: true, status: view.status, ...(view.qrCode ? { qrCode: view.qrCode } : {}), ...(message ? { message } : {}) };
    },

    async qr(ref: SlotRef): Promise<{ slot: number; qrCode: string; qr: string; expiresAt: string | null }> {
      const row = await slots.get(ref);
      if (row?.status !== 'qrcode' || !row.qrDataUrl || !row.qrRaw) {
        throw new AppError(ErrorCode.NOT_FOUND, `No QR code: the slot is ${row?.status ?? 'disconnected'}${row?.status === 'connected' ? '' : '; start it first'}`);
      }
      return { slot: ref.slot, qrCode: row.qrDataUrl, qr: row.qrRaw, expiresAt: row.qrExpiresAt?.toISOString() ?? null };
    },

    async pairingCode(ref: SlotRef, phone: string): Promise<{ code: string; status: TSlotStatus }> {
      const digits = phone.replace(/\D/g, '');
      await engine.startSlot(ref);
      const result = await command(ref, { command: 'pairing-code', phone: digits });
      return { code: String(result.code), status: result.status as TSlotStatus };
    },

    async stop(ref: SlotRef): Promise<TSlotStatus> {
      return (await command(ref, { command: 'stop' })).status as TSlotStatus;
    },

    async restart(ref: SlotRef): Promise<TSlotStatus> {
      return (await command(ref, { command: 'restart' })).status as TSlotStatus;
    },

    async logout(ref: SlotRef): Promise<TSlotStatus> {
      return (await command(ref, { command: 'logout' })).status as TSlotStatus;
    },
  };
}

export type SessionsService = ReturnType<typeof createSessionsService>;
