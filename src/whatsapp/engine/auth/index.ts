// The auth domain's public face: Baileys' auth state for a slot, kept in Postgres.
//
//   const authCache = new AuthKeyCache({ maxBytes: 64 * 1024 * 1024 }); // once per process
//   const epoch = await bumpOwnerEpoch(pool, ref);                      // right after taking the slot's lock
//   const auth = await loadPostgresAuthState({ pool, storeId, slot, cache: authCache, logger, keyring,
//     fence: { epoch, onFenced: () => closeTheSocket() } });
//   const sock = makeWASocket({ auth: auth.state, ... });
//   sock.ev.on('creds.update', () => void auth.saveCreds().catch(() => {})); // failures are logged; flush() retries
//   ... on close: await auth.close(); on logout: await auth.wipe();
import type { AuthenticationState } from '@whiskeysockets/baileys';
import type { Logger } from 'pino';
import type { Keyring } from '../../../security/secret-box.js';
import { AuthKeyCache } from './auth-key-cache.js';
import type { AuthPool } from './auth-queries.js';
import { PostgresAuthStore, type AuthFence, type AuthWriteObserver } from './postgres-auth-store.js';

export { AuthKeyCache, DEFAULT_CACHE_MAX_BYTES, type AuthKeyCacheOptions, type AuthKeyCacheStats } from './auth-key-cache.js';
export { PostgresAuthStore, type AuthFence, type AuthWriteObserver } from './postgres-auth-store.js';
export { FencedWriteError } from './fenced-write-error.js';
export { reencryptAuthRows, type ReencryptReport } from './auth-reencryption.repo.js';
export type { AuthPool } from './auth-queries.js';

/** The cache a slot gets when none is passed: small, since the daemon should share one. */
export const DEFAULT_SLOT_CACHE_BYTES = 256 * 1024;

export interface LoadPostgresAuthStateOptions {
  /** The daemon's raw pg pool (openConnections().pool). */
  pool: AuthPool;
  storeId: string;
  slot: number;
  /** A cache shared by the process's slots; `false` for none; default a small one of the slot's own. */
  cache?: AuthKeyCache | false;
  /** Usually already a child carrying storeId and slot; the store adds `component`. */
  logger?: Logger;
  /** The keys rows are sealed with (SECRETS_KEY and its previous versions). */
  keyring: Keyring;
  /**
   * The owner epoch this process got when it took the slot (bumpOwnerEpoch). Every write checks it
   * in its own statement; the first refused one throws FencedWriteError, calls onFenced once, and
   * the store refuses every later write. Omitted: no check (tests, the bench, scripts only).
   */
  fence?: AuthFence;
  /**
   * True: each Signal key write commits with synchronous_commit=off, for that transaction only
   * (creds and wipe stay synchronous). Default false. The trade-off is in BENCHMARKS.md.
   */
  asyncKeyCommit?: boolean;
  /** Told of every write's duration and outcome (the metrics). */
  onWrite?: AuthWriteObserver;
}

export interface PostgresAuthState {
  /** What makeWASocket({ auth }) takes. */
  state: AuthenticationState;
  /** Persists state.creds (call on every creds.update). Rejects when the write fails or is fenced. */
  saveCreds(): Promise<void>;
  /** Waits for every pending write; retries a failed creds write; throws if creds stay unsaved. */
  flush(): Promise<void>;
  /** Logout: deletes the slot's creds and keys in one transaction and clears its cache. */
  wipe(): Promise<void>;
  /** flush(), then refuses writes and drops the slot's cache entries (the slot is closing). */
  close(): Promise<void>;
  /** The store behind state.keys (for metrics and tests). */
  store: PostgresAuthStore;
}

/** Loads (or starts) the auth state of one slot; throws if the creds cannot be read. */
export async function loadPostgresAuthState(options: LoadPostgresAuthStateOptions): Promise<PostgresAuthState> {
  const { pool, storeId, slot } = options;
  if (!storeId || !Number.isInteger(slot) || slot < 0) throw new TypeError('loadPostgresAuthState needs a storeId and a slot >= 0');
  const cache = options.cache === false ? undefined : (options.cache ?? new AuthKeyCache({ maxBytes: DEFAULT_SLOT_CACHE_BYTES }));
  const log = options.logger?.child({ component: 'auth-store' });
  const store = new PostgresAuthStore({ pool, storeId, slot, cache, log, keyring: options.keyring, fence: options.fence, asyncKeyCommit: options.asyncKeyCommit ?? false, onWrite: options.onWrite });
  const creds = await store.loadCreds();
  return {
    state: {
      creds,
      keys: {
        get: (type, ids) => store.get(type, ids),
        set: (data) => store.set(data),
      },
    },
    saveCreds: () => store.saveCreds(),
    flush: () => store.flush(),
    wipe: () => store.wipe(),
    close: () => store.close(),
    store,
  };
}
