// Stores and their API keys. A key is shown once (at creation or rotation) and stored only as
// HMAC-SHA256(pepper, key) plus its last four characters.
import { LRUCache } from 'lru-cache';
import type { AuditEntry } from '../audit/audit.repo.js';
import { AppError, ErrorCode } from '../kernel/index.js';
import { constantTimeEqual, generateCredential, hmacHex, lastFour } from '../security/secrets.js';
import type { StoreRow, StoresRepo } from './stores.repo.js';
import type { TStoreView, TStoreWithKey } from './stores.schemas.js';

export type AuditContext = Pick<AuditEntry, 'actor' | 'ip' | 'requestId'>;

function toView(row: StoreRow): TStoreView {
  return {
    storeId: row.id,
    name: row.name,
    apiKeyLast4: row.apiKeyLast4,
    keyRotatedAt: row.keyRotatedAt.toISOString(),
    createdAt: row.createdAt.toISOString(),
  };
}

/**
 * What other domains must do around a store's life, without the stores domain knowing them:
 * before a store is deleted its WhatsApp slots are unlinked; after its key changes or it is gone,
 * the live streams opened with the old key end.
 */
export interface StoreLifecycleHooks {
  beforeRemove?(storeId: string): Promise<void>;
  afterKeyChange?(change: { storeId: string; kind: 'key_rotated' | 'deleted'; at: Date }): Promise<void>;
}

/**
 * Keys that authorized lately, by hash: a store's requests then cost no query for the key
 * (BENCHMARKS.md, HTTP). A rotation or deletion drops the store's entries here at once and, through
 * the store-change notice every process LISTENs for, in the others (forgetStore); the TTL bounds
 * what a notice lost with a dropped LISTEN connection could leave behind.
 */
const AUTHORIZED_KEYS_MAX = 10_000;
const AUTHORIZED_KEY_TTL_MS = 30_000;

export function createStoresService(deps: { repo: StoresRepo; apiKeyPepper: Buffer; hooks?: StoreLifecycleHooks }) {
  const { repo, apiKeyPepper } = deps;
  const hooks = deps.hooks ?? {};
  const authorizedKeys = new LRUCache<string, StoreRow>({ max: AUTHORIZED_KEYS_MAX, ttl: AUTHORIZED_KEY_TTL_MS });

  /** Drops what the key cache holds for a store (its key rotated, or it is gone). */
  function forgetStore(storeId: string): void {
    for (const [hash, row] of authorizedKeys.entries()) if (row.id === storeId) authorizedKeys.delete(hash);
  }

  function newKey() {
    const apiKey = generateCredential('drin_sk');
    return { apiKey, apiKeyHash: hmacHex(apiKeyPepper, apiKey), apiKeyLast4: lastFour(apiKey) };
  }

  async function mustFind(storeId: string): Promise<StoreRow> {
    const row = await repo.findById(storeId);
    if (!row) throw new AppError(ErrorCode.NOT_FOUND, 'Store not found');
    return row;
  }

  return {
    async create(name: string, ctx: AuditContext): Promise<TStoreWithKey> {
      const { apiKey, ...stored } = newKey();
      const row = await repo.create({ name, ...stored }, (created) => ({ ...ctx, storeId: created.id, action: 'store.created', resourceType: 'store', resourceId: created.id, data: { name } }));
      return { ...toView(row), apiKey };
    },

    async list(limit: number, cursor?: string): Promise<{ data: TStoreView[]; nextCursor: string | null }> {
      const rows = await repo.list(limit, cursor);
      return { data: rows.map(toView), nextCursor: rows.length === limit ? rows[rows.length - 1]!.id : null };
    },

    async get(storeId: string): Promise<TStoreView> {
      return toView(await mustFind(storeId));
    },

    /**
     * The old key stops working the moment this commits (lookups go by the new hash), and it
     * commits only with its audit row: a failure leaves the old key working.
     */
    async rotateKey(storeId: string, ctx: AuditContext): Promise<TStoreWithKey> {
      const { apiKey, ...stored } = newKey();
      const row = await repo.replaceKey(storeId, stored, { ...ctx, storeId, action: 'store.key_rotated', resourceType: 'store', resourceId: storeId });
      if (!row) throw new AppError(ErrorCode.NOT_FOUND, 'Store not found');
      forgetStore(storeId);
      await hooks.afterKeyChange?.({ storeId, kind: 'key_rotated', at: row.keyRotatedAt });
      return { ...toView(row), apiKey };
    },

    /** Unlinks the store's WhatsApp slots first, then deletes it and everything it owns. */
    async remove(storeId: string, ctx: AuditContext): Promise<void> {
      await mustFind(storeId);
      await hooks.beforeRemove?.(storeId);
      // audit_logs.store_id is no foreign key: the store's trail, this row included, outlives it.
      const deleted = await repo.delete(storeId, { ...ctx, storeId, action: 'store.deleted', resourceType: 'store', resourceId: storeId });
      if (!deleted) throw new AppError(ErrorCode.NOT_FOUND, 'Store not found');
      forgetStore(storeId);
      await hooks.afterKeyChange?.({ storeId, kind: 'deleted', at: new Date() });
    },

    /**
     * Resolves a bearer key for a store path: 401 when the key matches no store, 403 when it is
     * another store's key.
     */
    async authorize(storeId: string, apiKey: string | undefined): Promise<TStoreView> {
      if (!apiKey) throw new AppError(ErrorCode.UNAUTHORIZED, 'Missing Authorization: Bearer <apiKey>');
      const hash = hmacHex(apiKeyPepper, apiKey);
      let row = authorizedKeys.get(hash);
      if (!row) {
        row = (await repo.findByKeyHash(hash)) ?? undefined;
        // Set on a lookup only, never on a hit: an entry lives its TTL from the row read, not longer.
        if (row) authorizedKeys.set(hash, row);
      }
      if (!row || !constantTimeEqual(row.apiKeyHash, hash)) throw new AppError(ErrorCode.UNAUTHORIZED, 'Invalid API key');
      if (row.id !== storeId) throw new AppError(ErrorCode.FORBIDDEN, 'This key does not belong to this store');
      return toView(row);
    },

    forgetStore,
  };
}

export type StoresService = ReturnType<typeof createStoresService>;
