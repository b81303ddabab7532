// session_slots.owner_epoch, the fencing token of a slot's owner.
//
// An advisory lock says who owns a slot now, but a process that lost its lock (its lock
// connection died, it paused for a minute) learns so late, and a write it sends in between would
// land. So each acquisition bumps the epoch, the new owner loads its auth state with the epoch it
// got, and every auth write checks in its own statement that the epoch is still that one
// (auth-queries.ts): a stale owner's late write finds a newer epoch and is refused.
import type pg from 'pg';
import type { SlotRef } from '../../kernel/index.js';

// The row may not exist yet (a slot started for the first time): create it at epoch 1. The id is
// a random uuid rather than Prisma's client-side cuid; nothing reads meaning into it.
const BUMP_OWNER_EPOCH = `
  INSERT INTO session_slots (id, store_id, slot, owner_epoch, updated_at) VALUES (gen_random_uuid()::text, $1, $2, 1, now())
  ON CONFLICT (store_id, slot) DO UPDATE SET owner_epoch = session_slots.owner_epoch + 1
  RETURNING owner_epoch::text AS epoch`;

/**
 * Call right after acquiring the slot's lock, before loading its auth state; pass the result as
 * `fence.epoch` to loadPostgresAuthState. Returns the new epoch as a decimal string (a bigint).
 */
export async function bumpOwnerEpoch(pool: Pick<pg.Pool, 'query'>, ref: SlotRef): Promise<string> {
  const result = await pool.query<{ epoch: string }>(BUMP_OWNER_EPOCH, [ref.storeId, ref.slot]);
  return result.rows[0]!.epoch;
}
