// The session use-cases behind the routes. Any process can serve them: reads come from
// session_slots, and commands reach whichever process owns the slot.
import { AppError, ErrorCode, isActive, type SlotRef, type TSlotStatus } from '../../kernel/index.js';
import { whatsappStatusToAppError } from '../../http/dependency-errors.js';
import type { SlotCommand, SlotEngine, SlotRow, SlotsRepo } from '../engine/index.js';
import type { AuditEntry, AuditRepo } from '../../audit/audit.repo.js';
import type { TSlotView, TStartResult } from './sessions.schemas.js';

/** Who asked for a slot command, for the audit row. */
export type SessionActor = Pick<AuditEntry, 'actor' | 'ip' | 'requestId' | 'userAgent'>;

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

export function createSessionsService(deps: { engine: SlotEngine; slots: SlotsRepo; maxSlots: number; audit?: AuditRepo }) {
  const { engine, slots } = deps;

  /** A command that changed the slot, once it ran (the engine's own row is the command's record). */
  async function audited(ref: SlotRef, action: string, by: SessionActor | undefined, data: Record<string, unknown>): Promise<void> {
    if (by && deps.audit) await deps.audit.record({ ...by, storeId: ref.storeId, action, resourceType: 'slot', resourceId: String(ref.slot), data: { slot: ref.slot, ...data } as never });
  }

  async function command(ref: SlotRef, cmd: SlotCommand): Promise<Record<string, unknown>> {
    const outcome = await engine.execute(ref, cmd);
    if (!outcome) throw new AppError(ErrorCode.SERVICE_UNAVAILABLE, 'The process running this slot did not answer; try again');
    if (!outcome.ok && outcome.whatsappStatus) throw whatsappStatusToAppError(outcome.whatsappStatus);
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

    /**
     * Starts the slot (here or wherever it runs: the same command path as stop) and answers once
     * it settled — a QR to show, connected, or parked — or when the start wait ran out.
     */
    async start(ref: SlotRef, by?: SessionActor): Promise<TStartResult> {
      const result = await command(ref, { command: 'start' });
      await audited(ref, 'session.started', by, { status: result.status ?? null });
      // Whoever ran the command waited for its status writes: the row is at least that fresh.
      const view = toSlotView(ref.slot, await slots.get(ref));
      const message =
        view.status === 'connected'
          ? result.outcome === 'started' ? 'connected from saved session' : 'already connected'
          : view.status === 'qrcode' ? 'scan the QR code with WhatsApp' : undefined;
      return { success: true, status: view.status, ...(view.qrCode ? { qrCode: view.qrCode } : {}), ...(message ? { message } : {}) };
    },

    async qr(ref: SlotRef): Promise<{ slot: number; qrCode: string; qr: string; expiresAt: string | null }> {
      const row = await slots.get(ref);
      if (row?.status !== 'qrcode' || !row.qrDataUrl || !row.qrRaw) {
        throw new AppError(ErrorCode.NOT_FOUND, `No QR code: the slot is ${row?.status ?? 'disconnected'}${row?.status === 'connected' ? '' : '; start it first'}`);
      }
      return { slot: ref.slot, qrCode: row.qrDataUrl, qr: row.qrRaw, expiresAt: row.qrExpiresAt?.toISOString() ?? null };
    },

    /** `phone`: E.164 digits without '+' (ZPairingCodeBody parses and normalizes it). */
    async pairingCode(ref: SlotRef, phone: string, by?: SessionActor): Promise<{ code: string; status: TSlotStatus }> {
      await command(ref, { command: 'start' });
      const result = await command(ref, { command: 'pairing-code', phone });
      // The number's last digits only: enough to tell two requests apart.
      await audited(ref, 'session.pairing_requested', by, { phoneEnding: phone.replace(/\D/g, '').slice(-4) });
      return { code: String(result.code), status: result.status as TSlotStatus };
    },

    async stop(ref: SlotRef, by?: SessionActor): Promise<TSlotStatus> {
      const status = (await command(ref, { command: 'stop' })).status as TSlotStatus;
      await audited(ref, 'session.stopped', by, { status });
      return status;
    },

    async restart(ref: SlotRef, by?: SessionActor): Promise<TSlotStatus> {
      const status = (await command(ref, { command: 'restart' })).status as TSlotStatus;
      await audited(ref, 'session.restarted', by, { status });
      return status;
    },

    async logout(ref: SlotRef, by?: SessionActor): Promise<TSlotStatus> {
      const status = (await command(ref, { command: 'logout' })).status as TSlotStatus;
      await audited(ref, 'session.logged_out', by, { status });
      return status;
    },

    /**
     * Before a store is deleted: every slot it ever used is logged out (unlinked from the phone
     * where connected, its auth state wiped) and stops, wherever it runs.
     */
    async unlinkStore(storeId: string): Promise<void> {
      for (const row of await slots.list(storeId)) await command({ storeId, slot: row.slot }, { command: 'logout' });
    },
  };
}

export type SessionsService = ReturnType<typeof createSessionsService>;
