// Commands for a slot owned by another process travel as rows: the requester inserts and
// NOTIFYs, the owner claims the row (pending → running, so exactly one consumer), runs it and
// writes the outcome, which the requester polls for. Payloads are validated on the way out of
// the database as on the way in: a row is data from another process, not a trusted object.
import type pg from 'pg';
import { z } from 'zod';
import type { SlotRef } from '../../kernel/index.js';
import { CHANNELS } from './slot-channels.js';

export const ZSlotCommand = z.discriminatedUnion('command', [
  z.object({ command: z.literal('start') }),
  z.object({ command: z.literal('stop') }),
  z.object({ command: z.literal('restart') }),
  z.object({ command: z.literal('logout') }),
  z.object({ command: z.literal('pairing-code'), phone: z.string().regex(/^\d{6,20}$/) }),
  /** Which of these phone-number JIDs have WhatsApp (asked on the slot's socket). */
  z.object({ command: z.literal('check-numbers'), jids: z.array(z.string().regex(/^\d{5,20}@s\.whatsapp\.net$/)).min(1).max(100) }),
  /** "typing…" / "recording audio…" in a chat, or its end (paused). */
  z.object({ command: z.literal('presence'), jid: z.string().regex(/^[0-9-]{1,40}@(s\.whatsapp\.net|lid|g\.us)$/), state: z.enum(['composing', 'recording', 'paused']) }),
  /** Blue ticks: read receipts for these messages of contacts (a conversation marked read). */
  z.object({
    command: z.literal('read-receipts'),
    keys: z.array(z.object({ remoteJid: z.string().regex(/^[0-9]{1,32}@(s\.whatsapp\.net|lid)$/), id: z.string().min(1).max(128) })).min(1).max(100),
  }),
]);
export type SlotCommand = z.infer<typeof ZSlotCommand>;

export interface CommandRow extends SlotRef {
  id: string;
  command: SlotCommand;
}

export interface CommandOutcome {
  ok: boolean;
  result?: Record<string, unknown>;
  /** Our own words for the caller (never an exception's text). */
  error?: string;
  /** When WhatsApp refused the command: its status code (a Boom's), for the caller to map. */
  whatsappStatus?: number;
}

const ZOutcomeRow = z.object({
  status: z.enum(['pending', 'running', 'done', 'failed', 'expired']),
  result: z.record(z.string(), z.unknown()).nullable(),
  error: z.string().nullable(),
});

/** A failed outcome's WhatsApp status travels in `result` (the table has no column for it). */
const ZFailureDetails = z.object({ whatsappStatus: z.number().int() }).partial();

export function createSlotCommandQueue(pool: pg.Pool, processId: string) {
  return {
    async submit(ref: SlotRef, command: SlotCommand): Promise<string> {
      const { rows } = await pool.query<{ id: string }>(
        `INSERT INTO slot_commands (id, store_id, slot, command, payload) VALUES (gen_random_uuid()::text, $1, $2, $3, $4) RETURNING id`,
        [ref.storeId, ref.slot, command.command, JSON.stringify(ZSlotCommand.parse(command))],
      );
      const id = rows[0]!.id;
      await pool.query('SELECT pg_notify($1, $2)', [CHANNELS.commands, JSON.stringify({ id, storeId: ref.storeId, slot: ref.slot })]);
      return id;
    },

    /** Claims a pending command; null when another consumer took it, it expired, or it is malformed. */
    async claim(id: string): Promise<CommandRow | null> {
      const { rows } = await pool.query<{ id: string; store_id: string; slot: number; payload: unknown }>(
        `UPDATE slot_commands SET status = 'running', claimed_at = now(), claimed_by = $2
         WHERE id = $1 AND status = 'pending' RETURNING id, store_id, slot, payload`,
        [id, processId],
      );
      const row = rows[0];
      if (!row) return null;
      const command = ZSlotCommand.safeParse(row.payload);
      if (!command.success) {
        await this.finish(id, { ok: false, error: 'malformed command payload' });
        return null;
      }
      return { id: row.id, storeId: row.store_id, slot: row.slot, command: command.data };
    },

    /** Pending commands of slots this process owns (missed notifications). */
    async pendingFor(refs: SlotRef[]): Promise<string[]> {
      if (refs.length === 0) return [];
      const { rows } = await pool.query<{ id: string }>(
        `SELECT id FROM slot_commands WHERE status = 'pending' AND (store_id, slot) IN (SELECT * FROM unnest($1::text[], $2::int[])) ORDER BY created_at`,
        [refs.map((r) => r.storeId), refs.map((r) => r.slot)],
      );
      return rows.map((r) => r.id);
    },

    async finish(id: string, outcome: CommandOutcome): Promise<void> {
      await pool.query(`UPDATE slot_commands SET status = $2, result = $3, error = $4, consumed_at = now() WHERE id = $1`, [
        id,
        outcome.ok ? 'done' : 'failed',
        outcome.result ? JSON.stringify(outcome.result) : outcome.whatsappStatus ? JSON.stringify({ whatsappStatus: outcome.whatsappStatus }) : null,
        outcome.error ?? null,
      ]);
    },

    /**
     * Housekeeping, run by every process's scan: a command claimed by a process that died (its
     * claim older than `staleAfterMs`, longer than any command may run) is failed so its caller
     * hears an answer; rows older than `retentionMs` are deleted.
     */
    async sweep(staleAfterMs: number, retentionMs: number): Promise<{ failed: number; purged: number }> {
      const failed = await pool.query(
        `UPDATE slot_commands SET status = 'failed', error = 'the process running this command stopped before answering', consumed_at = now()
         WHERE status = 'running' AND claimed_at < now() - make_interval(secs => $1::double precision / 1000)`,
        [staleAfterMs],
      );
      const purged = await pool.query(`DELETE FROM slot_commands WHERE created_at < now() - make_interval(secs => $1::double precision / 1000)`, [retentionMs]);
      return { failed: failed.rowCount ?? 0, purged: purged.rowCount ?? 0 };
    },

    /**
     * Waits for the owner's answer. A command nobody claimed within `timeoutMs` is expired, not
     * left to run late; one already claimed gets another `timeoutMs` to finish (the owner runs it
     * with the same bound).
     */
    async awaitOutcome(id: string, timeoutMs: number): Promise<CommandOutcome | null> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const { rows } = await pool.query('SELECT status, result, error FROM slot_commands WHERE id = $1', [id]);
        const row = rows[0] ? ZOutcomeRow.parse(rows[0]) : undefined;
        if (row?.status === 'done') return { ok: true, result: row.result ?? undefined };
        if (row?.status === 'failed') return { ok: false, error: row.error ?? 'failed', ...ZFailureDetails.parse(row.result ?? {}) };
        if (!row || row.status === 'expired' || Date.now() > deadline + timeoutMs) return null;
        if (Date.now() > deadline && row.status === 'pending') {
          const expired = await pool.query(`UPDATE slot_commands SET status = 'expired', consumed_at = now() WHERE id = $1 AND status = 'pending'`, [id]);
          if (expired.rowCount) return null;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}

export type SlotCommandQueue = ReturnType<typeof createSlotCommandQueue>;
