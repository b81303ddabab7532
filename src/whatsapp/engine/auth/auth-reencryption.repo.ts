// Re-seals every auth row that is not under the keyring's current key (rows of an older
// SECRETS_KEY, and plaintext rows from before encryption), in batches. What `npm run
// secrets:rotate` runs; safe to run while daemons serve the slots, and to run again.
//
// Each row is rewritten only if it still holds the exact bytes that were read (compare-and-set on
// the ciphertext, whose nonce makes every write unique): a daemon that wrote the row meanwhile has
// sealed it under its own current key, and its newer value is never replaced by an older one. The
// plaintext does not change, so the daemons' caches stay right.
import type { Keyring, Sealed } from '../../../security/secret-box.js';
import type { AuthPool } from './auth-queries.js';
import { credsAad, keyAad, openText, sealText } from './auth-sealing.js';

export interface ReencryptReport {
  /** Rows re-sealed under the current key, per table. */
  creds: number;
  keys: number;
  /** Rows written by a daemon between the read and the rewrite (left as the daemon wrote them). */
  changedMeanwhile: number;
  /** Rows that did not open (wrong key for their version, or altered): identities only. */
  failed: { table: 'auth_creds' | 'auth_keys'; storeId: string; slot: number; type?: string; keyId?: string; keyVersion: number; reason: string }[];
  /** Rows still not under the current key after the pass (0 when done). */
  remaining: number;
}

export interface ReencryptOptions {
  batchSize?: number;
  /** Told after each batch (progress for the script's output). */
  onBatch?: (progress: { table: string; done: number }) => void;
}

interface Row {
  store_id: string;
  slot: number;
  type: string;
  key_id: string;
  key_version: number;
  data: Buffer;
}

// Keyset pagination over the primary key; '' sorts before every real store id.
const CREDS_PAGE = `
  SELECT store_id, slot, '' AS type, '' AS key_id, key_version, data FROM auth_creds
  WHERE key_version <> $1 AND (store_id, slot) > ($2, $3) ORDER BY store_id, slot LIMIT $4`;
const KEYS_PAGE = `
  SELECT store_id, slot, type, key_id, key_version, value AS data FROM auth_keys
  WHERE key_version <> $1 AND (store_id, slot, type, key_id) > ($2, $3, $4, $5) ORDER BY store_id, slot, type, key_id LIMIT $6`;

const CREDS_SWAP = `
  UPDATE auth_creds c SET key_version = $1, data = u.new_data
  FROM unnest($2::text[], $3::int[], $4::bytea[], $5::bytea[]) AS u(store_id, slot, old_data, new_data)
  WHERE c.store_id = u.store_id AND c.slot = u.slot AND c.data = u.old_data`;
const KEYS_SWAP = `
  UPDATE auth_keys k SET key_version = $1, value = u.new_data
  FROM unnest($2::text[], $3::int[], $4::text[], $5::text[], $6::bytea[], $7::bytea[]) AS u(store_id, slot, type, key_id, old_data, new_data)
  WHERE k.store_id = u.store_id AND k.slot = u.slot AND k.type = u.type AND k.key_id = u.key_id AND k.value = u.old_data`;

const REMAINING = `SELECT (SELECT count(*) FROM auth_creds WHERE key_version <> $1) + (SELECT count(*) FROM auth_keys WHERE key_version <> $1) AS n`;

export async function reencryptAuthRows(pool: AuthPool, keyring: Keyring, options: ReencryptOptions = {}): Promise<ReencryptReport> {
  const batchSize = options.batchSize ?? 500;
  const report: ReencryptReport = { creds: 0, keys: 0, changedMeanwhile: 0, failed: [], remaining: 0 };
  const current = keyring.currentVersion;

  for (const table of ['auth_creds', 'auth_keys'] as const) {
    let after: Row | undefined;
    for (;;) {
      const position = [after?.store_id ?? '', after?.slot ?? -1, ...(table === 'auth_keys' ? [after?.type ?? '', after?.key_id ?? ''] : [])];
      const page = await pool.query<Row>(table === 'auth_creds' ? CREDS_PAGE : KEYS_PAGE, [current, ...position, batchSize]);
      if (page.rows.length === 0) break;
      after = page.rows[page.rows.length - 1];
      const swaps: { row: Row; sealed: Sealed }[] = [];
      for (const row of page.rows) {
        const aad = table === 'auth_creds' ? credsAad(row.store_id, row.slot) : keyAad(row.store_id, row.slot, row.type, row.key_id);
        try {
          const text = openText(keyring, { keyVersion: row.key_version, data: row.data }, aad);
          swaps.push({ row, sealed: sealText(keyring, text, aad) });
        } catch (err) {
          report.failed.push({
            table,
            storeId: row.store_id,
            slot: row.slot,
            ...(table === 'auth_keys' ? { type: row.type, keyId: row.key_id } : {}),
            keyVersion: row.key_version,
            reason: err instanceof Error ? err.message : String(err),
          });
        }
      }
      const written = await swap(pool, table, current, swaps);
      if (table === 'auth_creds') report.creds += written;
      else report.keys += written;
      report.changedMeanwhile += swaps.length - written;
      options.onBatch?.({ table, done: table === 'auth_creds' ? report.creds : report.keys });
    }
  }
  const remaining = await pool.query<{ n: string }>(REMAINING, [current]);
  report.remaining = Number(remaining.rows[0]?.n ?? 0);
  return report;
}

async function swap(pool: AuthPool, table: 'auth_creds' | 'auth_keys', version: number, swaps: { row: Row; sealed: Sealed }[]): Promise<number> {
  if (swaps.length === 0) return 0;
  const column = <K extends keyof Row>(key: K) => swaps.map((s) => s.row[key]);
  const olds = column('data');
  const news = swaps.map((s) => s.sealed.data);
  const result =
    table === 'auth_creds'
      ? await pool.query(CREDS_SWAP, [version, column('store_id'), column('slot'), olds, news])
      : await pool.query(KEYS_SWAP, [version, column('store_id'), column('slot'), column('type'), column('key_id'), olds, news]);
  return result.rowCount ?? 0;
}
