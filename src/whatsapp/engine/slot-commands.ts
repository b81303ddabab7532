// Commands for a slot owned by another process travel as rows: the requester inserts and
// NOTIFYs, the owner claims the row (status pending → running, so exactly one consumer), runs it
// and writes the result, which the requester polls for.
import type pg from 'pg';
import type { SlotRef } from '../../events/domain-events.js';
import { CHANNELS } from './slot-locks.js';

export type SlotCommand = { command: 'stop' } | { command: 'restart' } | { command: 'logout' } | { command: 'pairing-code'; phone: string };

export interface CommandRow extends SlotRef {
  id: string;
  command: SlotCommand;
}

export interface CommandOutcome {
  ok: boolean;
  result?: Record<string, unknown>;
  error?: string;
}

export function createSlotCommandQueue(pool: pg.Pool) {
  return {
    async submit(ref: SlotRef, command: SlotCommand): Promise<string> {
      const { rows } = await pool.query<{ id: string }>(
        `INSERT INTO slot_commands (id, store_id, slot, command, payload) VALUES (gen_random_uuid()::text, $1, $2, $3, $4) RETURNING id`,
        [ref.storeId, ref.slot, command.command, JSON.stringify(command)],
      );
      const id = rows[0]!.id;
      await pool.query('SELECT pg_notify($1, $2)', [CHANNELS.commands, JSON.stringify({ id, ...ref })]);
      return id;
    },

    /** Claims a pending command; null when another consumer took it or it expired. */
    async claim(id: string): Promise<CommandRow | null> {
      const { rows } = await pool.query<{ id: string; store_id: string; slot: number; payload: SlotCommand }>(
        `UPDATE slot_commands SET status = 'running' WHERE id = $1 AND status = 'pending' RETURNING id, store_id, slot, payload`,
        [id],
      );
      const row = rows[0];
      return row ? { id: row.id, storeId: row.store_id, slot: row.slot, command: row.payload } : null;
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
        outcome.result ? JSON.stringify(outcome.result) : null,
        outcome.error ?? null,
      ]);
    },

    /** Waits for the owner's answer; a command nobody claimed in time is expired, not left to run late. */
    async awaitOutcome(id: string, timeoutMs: number): Promise<CommandOutcome | null> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const { rows } = await pool.query<{ status: string; result: Record<string, unknown> | null; error: string | null }>(
          'SELECT status, result, error FROM slot_commands WHERE id = $1',
          [id],
        );
        const row = rows[0];
        if (row?.status === 'done') return { ok: true, result: row.result ?? undefined };
        if (row?.status === 'failed') return { ok: false, error: row.error ?? 'failed' };
        // A command already claimed gets one more timeout to finish before we give up on it.
        if (Date.now() > deadline + timeoutMs) return null;
        if (Date.now() > deadline) {
          const expired = await pool.query(`UPDATE slot_commands SET status = 'expired', consumed_at = now() WHERE id = $1 AND status = 'pending'`, [id]);
          if (expired.rowCount) return null;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}

export type SlotCommandQueue = ReturnType<typeof createSlotCommandQueue>;
