// A byte-bounded LRU of serialized Signal keys, meant to be created once per process and shared by
// every slot's PostgresAuthStore.
//
// Why one shared budget instead of a bound per slot: a process holds hundreds of slots, and their
// traffic is very uneven. A per-slot bound has to be either small (busy slots miss) or large times
// hundreds (idle slots pin memory they never read). One LRU gives the busy slots the room and lets
// idle slots' entries age out, and the whole process has one number to size.
//
// What an entry holds is up to the store (serialized text, or the revived value it hands out
// copies of); the cache only needs each entry's size, which the store estimates from the text.
//
// `null` is a cached "no such row": Baileys asks for sessions and sender keys of devices it has
// never talked to, many times over. That is only coherent because each slot has one writer (this
// process) and every write goes through the store, which updates the cache after it commits.

import { LRUCache } from 'lru-cache';

/** A cached key. `value` is null for a known-absent key; the owner may replace `value` in place. */
export interface CachedKey {
  value: unknown;
  /** Estimated bytes of the key, the value and bookkeeping; fixed when the entry is set. */
  readonly size: number;
  /** The group the key belongs to (one slot's keys), dropped together by deleteScope. */
  readonly scope: string;
}

export interface AuthKeyCacheOptions {
  /** Total budget for values plus keys, in bytes (estimated from the serialized values' length). */
  maxBytes?: number;
  /** Values larger than this are not cached (a big app-state-sync-version would evict everything). */
  maxEntryBytes?: number;
}

export interface AuthKeyCacheStats {
  entries: number;
  bytes: number;
  maxBytes: number;
  hits: number;
  misses: number;
  evictions: number;
}

/** Bookkeeping per entry beyond key and value (Map slot, boxing): an estimate, not a measurement. */
const ENTRY_OVERHEAD_BYTES = 64;
export const DEFAULT_CACHE_MAX_BYTES = 64 * 1024 * 1024;

/** lru-cache with a byte budget (`maxSize` + each entry's estimated size) and counters for metrics. */
export class AuthKeyCache {
  readonly maxBytes: number;
  readonly maxEntryBytes: number;
  private readonly entries: LRUCache<string, CachedKey>;
  /**
   * The keys of each scope, so a slot that closes drops its own keys without walking everyone's:
   * with hundreds of slots stopping at once, a walk per slot made a graceful stop quadratic (300
   * slots took 12–16 s, past the shutdown deadline).
   */
  private readonly scopes = new Map<string, Set<string>>();
  private hits = 0;
  private misses = 0;
  private evictions = 0;

  constructor(options: AuthKeyCacheOptions = {}) {
    this.maxBytes = options.maxBytes ?? DEFAULT_CACHE_MAX_BYTES;
    this.maxEntryBytes = options.maxEntryBytes ?? Math.max(1024, Math.floor(this.maxBytes / 16));
    this.entries = new LRUCache<string, CachedKey>({
      maxSize: this.maxBytes,
      // Larger entries are not stored, and setting one drops the key's old entry.
      maxEntrySize: this.maxEntryBytes,
      sizeCalculation: (entry) => entry.size,
      dispose: (entry, key, reason) => {
        if (reason === 'evict') this.evictions += 1;
        // 'set' is an entry replaced under the same key: the key stays.
        if (reason !== 'set') this.forget(entry.scope, key);
      },
    });
  }

  /** The entry, or undefined when the key is not cached. */
  get(key: string): CachedKey | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) this.misses += 1;
    else this.hits += 1;
    return entry;
  }

  /** Stores a value (`null` for "known absent") of about `valueBytes` bytes, in `scope`. */
  set(key: string, value: unknown, valueBytes: number, scope = ''): void {
    const size = key.length + valueBytes + ENTRY_OVERHEAD_BYTES;
    if (size > this.maxEntryBytes) {
      this.entries.delete(key);
      return;
    }
    const previous = this.entries.peek(key);
    if (previous && previous.scope !== scope) this.forget(previous.scope, key);
    this.entries.set(key, { value, size, scope });
    let keys = this.scopes.get(scope);
    if (!keys) this.scopes.set(scope, (keys = new Set()));
    keys.add(key);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  /** Drops every key of `scope` (one slot's keys, at its logout or close): O(keys of the scope). */
  deleteScope(scope: string): void {
    for (const key of [...(this.scopes.get(scope) ?? [])]) this.entries.delete(key);
  }

  private forget(scope: string, key: string): void {
    const keys = this.scopes.get(scope);
    if (!keys?.delete(key) || keys.size > 0) return;
    this.scopes.delete(scope);
  }

  stats(): AuthKeyCacheStats {
    return { entries: this.entries.size, bytes: this.entries.calculatedSize, maxBytes: this.maxBytes, hits: this.hits, misses: this.misses, evictions: this.evictions };
  }
}
