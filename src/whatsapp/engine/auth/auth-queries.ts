// The auth store's SQL, on the raw pg pool: these run on every Signal operation, where one
// hand-written statement beats the ORM. Each has a fixed shape, so each is a named prepared
// statement (parsed once per connection, then only bound and executed).
//
// Values arrive and leave sealed (bytea + key_version, see src/security/secret-box.ts): this file
// never sees plaintext.
//
// Fencing: every write carries the epoch its store was loaded with ($epoch, NULL = unfenced) and
// runs only if session_slots.owner_epoch still equals it, checked in the same statement. The
// check locks the slot row FOR SHARE, so a new owner's bump (an UPDATE of that row) waits for a
// write already under way to commit, and a write that starts after the bump finds the new epoch:
// no late write of a stale owner can land after the new owner has loaded the state. Each write
// answers `allowed`; false means refused, nothing written.
import type pg from 'pg';
import type { Sealed } from '../../../security/secret-box.js';

/** What the store needs from a pool; a pg.Pool, or a wrapper around one (tests count queries). */
export type AuthPool = Pick<pg.Pool, 'query'>;

/** The fence CTE; `$epoch` is the placeholder of the statement's epoch parameter. */
const fenceCte = (epoch: string) => `
  fence AS (
    SELECT ${epoch}::bigint IS NULL OR EXISTS (
      SELECT 1 FROM session_slots s WHERE s.store_id = $1 AND s.slot = $2 AND s.owner_epoch = ${epoch}::bigint FOR SHARE
    ) AS allowed
  )`;

const SELECT_CREDS = 'SELECT key_version, data FROM auth_creds WHERE store_id = $1 AND slot = $2';

const UPSERT_CREDS = `
  WITH ${fenceCte('$5')},
  written AS (
    INSERT INTO auth_creds (store_id, slot, key_version, data, updated_at)
    SELECT $1, $2, $3, $4, now() WHERE (SELECT allowed FROM fence)
    ON CONFLICT (store_id, slot) DO UPDATE SET key_version = excluded.key_version, data = excluded.data, updated_at = excluded.updated_at
  )
  SELECT allowed FROM fence`;

// Each id is looked up by the full primary key (a lateral join per id: always an index lookup),
// for the same reason as the delete below: with `key_id = ANY($4)` the planner may scan every key
// of that type in the slot. Ids with no row come back with NULLs.
const SELECT_KEYS = `
  SELECT d.key_id, k.key_version, k.value
  FROM unnest($4::text[]) AS d(key_id)
  LEFT JOIN LATERAL (
    SELECT key_version, value FROM auth_keys k WHERE k.store_id = $1 AND k.slot = $2 AND k.type = $3 AND k.key_id = d.key_id
  ) k ON true`;

// One Baileys `set` is one statement, so it is atomic without BEGIN/COMMIT round trips: the
// data-modifying CTEs run to completion, and any failure (a bad row, a missing store, a lost
// connection) rolls the whole statement back. A key appears at most once per set, so the delete
// and the upsert never touch the same row.
// The delete finds each doomed row by its full primary key (a correlated subquery: always an index
// lookup) and deletes by ctid. A join with the key list instead let the planner, misled by stale
// statistics, walk every key of the slot on every set, deletes or not (measured: an 812-key
// upload went from 20 to 130 ms as the slot grew, session writes likewise). Deleting by ctid found
// in the same snapshot is safe because each slot has one writer and its writes are serialized.
//
// $10 is 'off' for an asynchronous commit, NULL to keep the connection's synchronous_commit (the
// server's, normally on). set_config(..., true) lasts until
// the end of the current transaction, which for one statement outside BEGIN is the implicit one
// this statement commits, and Postgres reads the setting at commit: so a key write can commit
// asynchronously without BEGIN/SET LOCAL/COMMIT round trips, while creds and wipe stay synchronous.
// (The final SELECT references the CTE, so it is computed; the commit comes after the statement.)
const WRITE_KEYS = `
  WITH commit_mode AS (SELECT set_config('synchronous_commit', coalesce($10::text, current_setting('synchronous_commit')), true) AS mode),
  ${fenceCte('$8')},
  deleted AS (
    DELETE FROM auth_keys WHERE (SELECT allowed FROM fence) AND ctid = ANY(ARRAY(
      SELECT (SELECT k.ctid FROM auth_keys k WHERE k.store_id = $1 AND k.slot = $2 AND k.type = d.type AND k.key_id = d.key_id)
      FROM unnest($6::text[], $7::text[]) AS d(type, key_id)))
  ),
  upserted AS (
    INSERT INTO auth_keys (store_id, slot, type, key_id, key_version, value, updated_at)
    SELECT $1, $2, u.type, u.key_id, $9::smallint, u.value, now()
    FROM unnest($3::text[], $4::text[], $5::bytea[]) AS u(type, key_id, value)
    WHERE (SELECT allowed FROM fence)
    ON CONFLICT (store_id, slot, type, key_id) DO UPDATE SET key_version = excluded.key_version, value = excluded.value, updated_at = excluded.updated_at
  )
  SELECT allowed, (SELECT mode FROM commit_mode) AS commit_mode FROM fence`;

// Logout: keys and creds go together or not at all (one statement, as above).
const WIPE_SLOT = `
  WITH ${fenceCte('$3')},
  keys AS (DELETE FROM auth_keys WHERE store_id = $1 AND slot = $2 AND (SELECT allowed FROM fence)),
  creds AS (DELETE FROM auth_creds WHERE store_id = $1 AND slot = $2 AND (SELECT allowed FROM fence))
  SELECT allowed FROM fence`;

/** The epoch a write must still find in session_slots.owner_epoch; null = no check. */
export type FenceEpoch = string | null;

/** One `set`, split into sealed rows to upsert (all under one key version) and keys to delete. */
export interface KeyWrite {
  keyVersion: number;
  /** True: this write's transaction commits with synchronous_commit=off. */
  asyncCommit: boolean;
  upsert: { types: string[]; ids: string[]; values: Buffer[] };
  delete: { types: string[]; ids: string[] };
}

interface SealedRow {
  key_version: number | null;
  data: Buffer | null;
}

const sealedOf = (row: SealedRow | undefined): Sealed | undefined =>
  row && row.data !== null && row.key_version !== null ? { keyVersion: row.key_version, data: row.data } : undefined;

export async function selectCreds(pool: AuthPool, storeId: string, slot: number): Promise<Sealed | undefined> {
  const result = await pool.query<SealedRow>({ name: 'drin_auth_select_creds', text: SELECT_CREDS, values: [storeId, slot] });
  return sealedOf(result.rows[0]);
}

/** False when the fence refused the write (nothing was written). */
export async function upsertCreds(pool: AuthPool, storeId: string, slot: number, sealed: Sealed, epoch: FenceEpoch): Promise<boolean> {
  const result = await pool.query<{ allowed: boolean }>({
    name: 'drin_auth_upsert_creds',
    text: UPSERT_CREDS,
    values: [storeId, slot, sealed.keyVersion, sealed.data, epoch],
  });
  return result.rows[0]?.allowed === true;
}

/** The sealed values of the given ids of one type; ids with no row are absent from the map. */
export async function selectKeys(pool: AuthPool, storeId: string, slot: number, type: string, ids: string[]): Promise<Map<string, Sealed>> {
  const result = await pool.query<{ key_id: string; key_version: number | null; value: Buffer | null }>({
    name: 'drin_auth_select_keys',
    text: SELECT_KEYS,
    values: [storeId, slot, type, ids],
  });
  const found = new Map<string, Sealed>();
  for (const row of result.rows) {
    const sealed = sealedOf({ key_version: row.key_version, data: row.value });
    if (sealed) found.set(row.key_id, sealed);
  }
  return found;
}

/** False when the fence refused the write (nothing was written). */
export async function writeKeys(pool: AuthPool, storeId: string, slot: number, write: KeyWrite, epoch: FenceEpoch): Promise<boolean> {
  const { upsert, delete: del } = write;
  const result = await pool.query<{ allowed: boolean }>({
    name: 'drin_auth_write_keys',
    text: WRITE_KEYS,
    values: [storeId, slot, upsert.types, upsert.ids, upsert.values, del.types, del.ids, epoch, write.keyVersion, write.asyncCommit ? 'off' : null],
  });
  return result.rows[0]?.allowed === true;
}

/** False when the fence refused the wipe (nothing was deleted). */
export async function wipeSlot(pool: AuthPool, storeId: string, slot: number, epoch: FenceEpoch): Promise<boolean> {
  const result = await pool.query<{ allowed: boolean }>({ name: 'drin_auth_wipe_slot', text: WIPE_SLOT, values: [storeId, slot, epoch] });
  return result.rows[0]?.allowed === true;
}
