// The auth store's SQL, on the raw pg pool: these run on every Signal operation, where one
// hand-written statement beats the ORM. Each has a fixed shape, so each is a named prepared
// statement (parsed once per connection, then only bound and executed).
import type pg from 'pg';

/** What the store needs from a pool; a pg.Pool, or a wrapper around one (tests count queries). */
export type AuthPool = Pick<pg.Pool, 'query'>;

const SELECT_CREDS = 'SELECT data FROM auth_creds WHERE store_id = $1 AND slot = $2';

const UPSERT_CREDS = `
  INSERT INTO auth_creds (store_id, slot, data, updated_at) VALUES ($1, $2, $3, now())
  ON CONFLICT (store_id, slot) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`;

// Each id is looked up by the full primary key (a correlated subquery), for the same reason as the
// delete below: with `key_id = ANY($4)` the planner may scan every key of that type in the slot.
// Ids with no row come back with a NULL value.
const SELECT_KEYS = `
  SELECT d.key_id, (SELECT k.value FROM auth_keys k WHERE k.store_id = $1 AND k.slot = $2 AND k.type = $3 AND k.key_id = d.key_id) AS value
  FROM unnest($4::text[]) AS d(key_id)`;

// One Baileys `set` is one statement, so it is atomic without BEGIN/COMMIT round trips: the
// data-modifying CTE runs to completion, and any failure (a bad row, a missing store, a lost
// connection) rolls the whole statement back. A key appears at most once per set, so the delete
// and the upsert never touch the same row.
// The delete finds each doomed row by its full primary key (a correlated subquery: always an index
// lookup) and deletes by ctid. A join with the key list instead let the planner, misled by stale
// statistics, walk every key of the slot on every set, deletes or not (measured: an 812-key
// upload went from 20 to 130 ms as the slot grew, session writes likewise). Deleting by ctid found
// in the same snapshot is safe because each slot has one writer and its writes are serialized.
const WRITE_KEYS = `
  WITH deleted AS (
    DELETE FROM auth_keys WHERE ctid = ANY(ARRAY(
      SELECT (SELECT k.ctid FROM auth_keys k WHERE k.store_id = $1 AND k.slot = $2 AND k.type = d.type AND k.key_id = d.key_id)
      FROM unnest($6::text[], $7::text[]) AS d(type, key_id)))
  )
  INSERT INTO auth_keys (store_id, slot, type, key_id, value, updated_at)
  SELECT $1, $2, u.type, u.key_id, u.value, now() FROM unnest($3::text[], $4::text[], $5::text[]) AS u(type, key_id, value)
  ON CONFLICT (store_id, slot, type, key_id) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`;

// Logout: keys and creds go together or not at all (one statement, as above).
const WIPE_SLOT = `
  WITH keys AS (DELETE FROM auth_keys WHERE store_id = $1 AND slot = $2)
  DELETE FROM auth_creds WHERE store_id = $1 AND slot = $2`;

/** One `set`, split into rows to upsert and keys to delete. */
export interface KeyWrite {
  upsert: { types: string[]; ids: string[]; values: string[] };
  delete: { types: string[]; ids: string[] };
}

export async function selectCreds(pool: AuthPool, storeId: string, slot: number): Promise<string | undefined> {
  const result = await pool.query<{ data: string }>({ name: 'drin_auth_select_creds', text: SELECT_CREDS, values: [storeId, slot] });
  return result.rows[0]?.data;
}

export async function upsertCreds(pool: AuthPool, storeId: string, slot: number, data: string): Promise<void> {
  await pool.query({ name: 'drin_auth_upsert_creds', text: UPSERT_CREDS, values: [storeId, slot, data] });
}

/** The stored values of the given ids of one type; ids with no row are absent from the map. */
export async function selectKeys(pool: AuthPool, storeId: string, slot: number, type: string, ids: string[]): Promise<Map<string, string>> {
  const result = await pool.query<{ key_id: string; value: string | null }>({
    name: 'drin_auth_select_keys',
    text: SELECT_KEYS,
    values: [storeId, slot, type, ids],
  });
  const found = new Map<string, string>();
  for (const row of result.rows) if (row.value !== null) found.set(row.key_id, row.value);
  return found;
}

export async function writeKeys(pool: AuthPool, storeId: string, slot: number, write: KeyWrite): Promise<void> {
  const { upsert, delete: del } = write;
  await pool.query({
    name: 'drin_auth_write_keys',
    text: WRITE_KEYS,
    values: [storeId, slot, upsert.types, upsert.ids, upsert.values, del.types, del.ids],
  });
}

export async function wipeSlot(pool: AuthPool, storeId: string, slot: number): Promise<void> {
  await pool.query({ name: 'drin_auth_wipe_slot', text: WIPE_SLOT, values: [storeId, slot] });
}
