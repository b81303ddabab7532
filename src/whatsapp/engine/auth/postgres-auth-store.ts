// Baileys' auth state (creds + Signal keys) for one (store, slot), kept in Postgres.
//
// Invariants this file keeps:
// - Every `keys.set` is one SQL statement, hence one transaction: Baileys' addTransactionCapability
//   commits a whole Signal transaction as one `set`, and a crash must not leave half of it.
// - Writes of a slot (key sets, creds, wipe) run one at a time, in call order: an older creds
//   write never lands after a newer one, and the cache is updated in commit order.
// - The cache changes only after a write has committed; a failed write leaves it as it was.
// - A failed read is an error, never "no creds": fresh creds come only from a query that ran and
//   found no row, so real creds are never replaced by new ones after a database blip.
// - This process is the slot's only writer (the daemon's slot ownership); the cache relies on it.
//   Ownership is enforced, not assumed: with a fence, every write checks the owner epoch in its
//   own statement, and the first refused write fences the store for good (no write after it).
// - Rows are sealed (AES-256-GCM, the row identity as AAD); the cache holds plaintext. A row that
//   does not open is an error, never "absent" and never "no creds".
import { BufferJSON, initAuthCreds, type AuthenticationCreds, type SignalDataSet, type SignalDataTypeMap } from '@whiskeysockets/baileys';
import type { Logger } from 'pino';
import { retryWhileTransient } from '../../../events/durable-retry.js';
import { isDatabaseUnavailableError } from '../../../http/dependency-errors.js';
import { AppError, ErrorCode } from '../../../kernel/index.js';
import type { Keyring } from '../../../security/secret-box.js';
import type { AuthKeyCache, CachedKey } from './auth-key-cache.js';
import { selectCreds, selectKeys, upsertCreds, wipeSlot, writeKeys, type AuthPool, type FenceEpoch, type KeyWrite } from './auth-queries.js';
import { credsAad, isPlaintextRow, keyAad, openText, sealText } from './auth-sealing.js';
import { cloneRevivedValue, reviveAuthValue, serializeAuthValue } from './auth-serialization.js';
import { FencedWriteError } from './fenced-write-error.js';

/**
 * A cache entry still in its stored form. Writes and reads cache the text (cheap, and exactly what
 * the database holds); the first hit revives it once and keeps the revived value, of which every
 * later hit gets a copy. app-state-sync-key stays text: it revives to a proto class, and is rare.
 */
class SerializedKey {
  constructor(readonly text: string) {}
}

/**
 * Runs tasks one after another; a failed task does not stop the ones behind it.
 * Not p-queue: it starts a task synchronously inside add() when idle, so saveCreds could not mark
 * its write as "queued, not started" before it starts, and creds coalescing (a later call sharing
 * a queued write that will serialize the newest creds) would hand out a write already under way.
 */
/** How long a key read waits for the database to answer again before Baileys sees the failure. */
const KEY_READ_RETRY_MS = 20_000;

class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Resolves once nothing is queued, including tasks queued while waiting. */
  async drain(): Promise<void> {
    let seen: Promise<unknown>;
    do {
      seen = this.tail;
      await seen;
    } while (seen !== this.tail);
  }
}

/** The fencing token a store was loaded with (see owner-epoch.repo.ts). */
export interface AuthFence {
  epoch: bigint | string | number;
  /** Called once, on the first refused write: the slot has a newer owner, close its socket. */
  onFenced?: () => void;
}

/** Told of every key and creds write: how long it took and how it ended (the metrics). */
export type AuthWriteObserver = (write: { kind: 'keys' | 'creds'; result: 'ok' | 'failed' | 'fenced'; seconds: number }) => void;

export interface PostgresAuthStoreOptions {
  pool: AuthPool;
  storeId: string;
  slot: number;
  cache: AuthKeyCache | undefined;
  log: Logger | undefined;
  keyring: Keyring;
  /** Omitted: writes are not fenced (tests, the bench, scripts). The engine always passes one. */
  fence: AuthFence | undefined;
  /**
   * True: each key write commits with synchronous_commit=off (that transaction only). Still atomic;
   * a Postgres crash may lose the last < 1 s of key writes, never half of one, and the next
   * synchronous commit (a creds write) makes every earlier one durable. Creds and wipe always
   * commit as the connection does. False: key writes commit as the connection does too.
   */
  asyncKeyCommit: boolean;
  onWrite?: AuthWriteObserver;
}

export class PostgresAuthStore {
  readonly storeId: string;
  readonly slot: number;
  private readonly pool: AuthPool;
  private readonly cache: AuthKeyCache | undefined;
  private readonly log: Logger | undefined;
  private readonly keyring: Keyring;
  private readonly fence: AuthFence | undefined;
  private readonly epoch: FenceEpoch;
  private readonly asyncKeyCommit: boolean;
  private readonly onWrite: AuthWriteObserver | undefined;
  private readonly cachePrefix: string;
  private readonly writes = new SerialQueue();
  private creds: AuthenticationCreds | undefined;
  /** The queued creds write that has not started yet: later saveCreds calls share it. */
  private queuedCredsWrite: Promise<void> | undefined;
  private credsDirty = false;
  /** Bumped after every committed write: a read that overlapped one does not fill the cache. */
  private writeEpoch = 0;
  private closed = false;
  /** Set by the first write the owner epoch refused; every later write is refused too. */
  private fenced = false;

  constructor(options: PostgresAuthStoreOptions) {
    ({ pool: this.pool, storeId: this.storeId, slot: this.slot, cache: this.cache, log: this.log, keyring: this.keyring, fence: this.fence, asyncKeyCommit: this.asyncKeyCommit, onWrite: this.onWrite } = options);
    this.epoch = options.fence === undefined ? null : String(options.fence.epoch);
    if (this.epoch !== null && !/^\d+$/.test(this.epoch)) throw new TypeError('fence.epoch must be a non-negative integer');
    this.cachePrefix = `${this.storeId}\u0000${this.slot}\u0000`;
    // Entries left from an earlier time this process owned the slot may be stale by now.
    this.cache?.deleteScope(this.cachePrefix);
  }

  /** The stored creds, or fresh ones when the slot has none; throws when the read fails. */
  async loadCreds(): Promise<AuthenticationCreds> {
    let sealed;
    try {
      sealed = await selectCreds(this.pool, this.storeId, this.slot);
    } catch (err) {
      throw new AppError(ErrorCode.SERVICE_UNAVAILABLE, 'auth creds could not be read', { storeId: this.storeId, slot: this.slot }, { cause: err });
    }
    if (sealed === undefined) {
      this.log?.info('no stored creds: starting with a fresh identity');
      this.creds = initAuthCreds();
    } else {
      if (isPlaintextRow(sealed)) this.log?.warn('auth creds stored before encryption: run `npm run secrets:rotate` to seal them');
      const text = openText(this.keyring, sealed, credsAad(this.storeId, this.slot)); // throws when it does not open
      try {
        this.creds = JSON.parse(text, BufferJSON.reviver) as AuthenticationCreds;
      } catch {
        // No cause: V8's JSON errors quote the text, which is key material.
        throw new AppError(ErrorCode.INTERNAL, 'stored auth creds are not valid JSON', { storeId: this.storeId, slot: this.slot });
      }
    }
    return this.creds;
  }

  async get<T extends keyof SignalDataTypeMap>(type: T, ids: string[]): Promise<{ [id: string]: SignalDataTypeMap[T] }> {
    const found: { [id: string]: SignalDataTypeMap[T] } = {};
    const missing: string[] = [];
    for (const id of ids) {
      const cached = this.cache?.get(this.cacheKey(type, id));
      if (cached === undefined) missing.push(id);
      else if (cached.value !== null) found[id] = this.fromCache(type, cached);
    }
    if (missing.length === 0) return found;

    const epoch = this.writeEpoch;
    // A read that fails makes Baileys nack the message it is decrypting (WhatsApp resends it only
    // later): a connection lost for a moment is worth waiting out instead.
    const rows = await retryWhileTransient(() => selectKeys(this.pool, this.storeId, this.slot, type, [...new Set(missing)]), {
      isTransient: isDatabaseUnavailableError,
      maxMs: KEY_READ_RETRY_MS,
      log: this.log,
      what: 'reading auth keys',
    });
    const fillCache = this.cache && !this.closed && epoch === this.writeEpoch;
    for (const id of missing) {
      const sealed = rows.get(id);
      const text = sealed === undefined ? undefined : openText(this.keyring, sealed, keyAad(this.storeId, this.slot, type, id));
      if (text !== undefined) found[id] = reviveAuthValue(type, text);
      if (fillCache) this.cacheText(type, id, text ?? null);
    }
    return found;
  }

  /** Writes (value) and deletes (null) every key of `data` in one statement. */
  async set(data: SignalDataSet): Promise<void> {
    this.refuseWrites();
    const { write, texts } = this.flattenKeyWrite(data); // serializing can throw: then nothing was sent
    const count = write.upsert.ids.length + write.delete.ids.length;
    if (count === 0) return;
    await this.writes.run(async () => {
      // A set queued before close or wipe still lands; one queued behind a refused write does not.
      if (this.fenced) throw this.fencedOff();
      const started = performance.now();
      let allowed: boolean;
      try {
        allowed = await writeKeys(this.pool, this.storeId, this.slot, write, this.epoch);
      } catch (err) {
        this.observe('keys', 'failed', started);
        const types = [...new Set([...write.upsert.types, ...write.delete.types])];
        this.log?.warn({ err: describeError(err), keys: count, types }, 'auth key write failed');
        throw err;
      }
      this.observe('keys', allowed ? 'ok' : 'fenced', started);
      if (!allowed) throw this.fencedOff();
      this.writeEpoch += 1;
      for (const [type, id, text] of writtenKeys(write, texts)) {
        // Pre-keys go up 812 at a time at every upload, and each is read at most once (by a new
        // contact's first message, which then deletes it): written through, they filled the
        // process's shared budget with keys nobody reads (~64 MiB at 300 slots; BENCHMARKS.md,
        // memory per slot). A read still caches what it found.
        if (type === 'pre-key' && text !== null) this.cache?.delete(this.cacheKey(type, id));
        else this.cacheText(type, id, text);
      }
      this.log?.trace({ keys: count, ms: +(performance.now() - started).toFixed(2) }, 'auth keys written');
    });
  }

  /**
   * Persists the current creds object. Calls that arrive while a creds write is already queued
   * share it: the write serializes the creds when it runs, so it carries every change so far.
   * Rejects when the write fails (it is also logged, and flush() tries again).
   */
  saveCreds(): Promise<void> {
    if (this.closed) {
      // A late creds.update after logout must not bring a logged-out identity back.
      this.log?.warn('creds update after the auth state was closed: not saved');
      return Promise.resolve();
    }
    if (this.fenced) return Promise.reject(this.fencedOff());
    if (this.queuedCredsWrite) return this.queuedCredsWrite;
    const write = this.writes.run(async () => {
      this.queuedCredsWrite = undefined;
      if (this.fenced) throw this.fencedOff();
      let allowed: boolean;
      const started = performance.now();
      try {
        const sealed = sealText(this.keyring, serializeAuthValue(this.creds), credsAad(this.storeId, this.slot));
        allowed = await upsertCreds(this.pool, this.storeId, this.slot, sealed, this.epoch);
      } catch (err) {
        this.observe('creds', 'failed', started);
        this.credsDirty = true;
        this.log?.error({ err: describeError(err) }, 'auth creds write failed');
        throw err;
      }
      this.observe('creds', allowed ? 'ok' : 'fenced', started);
      this.credsDirty = !allowed;
      if (!allowed) throw this.fencedOff();
    });
    this.queuedCredsWrite = write;
    return write;
  }

  private observe(kind: 'keys' | 'creds', result: 'ok' | 'failed' | 'fenced', started: number): void {
    this.onWrite?.({ kind, result, seconds: (performance.now() - started) / 1000 });
  }

  /**
   * Waits for every queued write (including ones queued meanwhile); retries a creds write that
   * failed. Throws if creds are still unsaved (a FencedWriteError when the fence refused them).
   */
  async flush(): Promise<void> {
    await this.writes.drain();
    if (this.credsDirty && this.fenced) throw this.fencedOff();
    if (this.credsDirty && !this.closed) await this.saveCreds();
  }

  /** Logout: deletes the slot's creds and keys in one statement, after the writes already queued. */
  async wipe(): Promise<void> {
    this.closed = true;
    await this.writes.run(async () => {
      if (this.fenced) throw this.fencedOff();
      if (!(await wipeSlot(this.pool, this.storeId, this.slot, this.epoch))) throw this.fencedOff();
      this.writeEpoch += 1;
      this.credsDirty = false;
      this.cache?.deleteScope(this.cachePrefix);
    });
    this.log?.info('auth state wiped');
  }

  /**
   * Flushes, then refuses further writes and frees the slot's cache entries. On a fenced store the
   * refused creds are not an error here: they belong to the slot's new owner now.
   */
  async close(): Promise<void> {
    try {
      await this.flush();
    } catch (err) {
      if (!(err instanceof FencedWriteError)) throw err;
    } finally {
      this.closed = true;
      this.cache?.deleteScope(this.cachePrefix);
    }
  }

  private cacheText(type: string, id: string, text: string | null): void {
    this.cache?.set(this.cacheKey(type, id), text === null ? null : new SerializedKey(text), text?.length ?? 0, this.cachePrefix);
  }

  private fromCache<T extends keyof SignalDataTypeMap>(type: T, cached: CachedKey): SignalDataTypeMap[T] {
    if (!(cached.value instanceof SerializedKey)) return cloneRevivedValue(cached.value as SignalDataTypeMap[T]);
    const revived = reviveAuthValue(type, cached.value.text);
    if (type !== 'app-state-sync-key') cached.value = cloneRevivedValue(revived);
    return revived;
  }

  private cacheKey(type: string, id: string): string {
    return `${this.cachePrefix}${type}\u0000${id}`;
  }

  /** Throws when writes are no longer allowed (closed, logged out, or fenced). */
  private refuseWrites(): void {
    if (this.fenced) throw this.fencedOff();
    if (this.closed) throw new AppError(ErrorCode.CONFLICT, 'auth state is closed (slot closed or logged out)', { storeId: this.storeId, slot: this.slot });
  }

  /** Marks the store fenced (telling the owner once) and returns the error to throw. */
  private fencedOff(): FencedWriteError {
    const error = new FencedWriteError(this.storeId, this.slot, this.epoch ?? 'none');
    if (this.fenced) return error;
    this.fenced = true;
    this.log?.warn({ epoch: this.epoch }, 'auth write refused: the slot has a newer owner epoch; no further auth writes from this process');
    try {
      this.fence?.onFenced?.();
    } catch (err) {
      this.log?.error({ err }, 'onFenced handler threw');
    }
    return error;
  }

  /** Splits a set into rows to seal and upsert and keys to delete; keeps the plaintext for the cache. */
  private flattenKeyWrite(data: SignalDataSet): { write: KeyWrite; texts: string[] } {
    const write: KeyWrite = { keyVersion: this.keyring.currentVersion, asyncCommit: this.asyncKeyCommit, upsert: { types: [], ids: [], values: [] }, delete: { types: [], ids: [] } };
    const texts: string[] = [];
    for (const [type, entries] of Object.entries(data)) {
      for (const [id, value] of Object.entries(entries ?? {})) {
        // Baileys' own stores treat any falsy value as a delete; null and undefined are what occur.
        if (value === null || value === undefined) {
          write.delete.types.push(type);
          write.delete.ids.push(id);
        } else {
          const text = serializeAuthValue(value);
          write.upsert.types.push(type);
          write.upsert.ids.push(id);
          write.upsert.values.push(sealText(this.keyring, text, keyAad(this.storeId, this.slot, type, id)).data);
          texts.push(text);
        }
      }
    }
    return { write, texts };
  }
}

/** Every key a write touched, with its new serialized value (null when deleted): for the cache. */
function* writtenKeys(write: KeyWrite, texts: string[]): Generator<[type: string, id: string, value: string | null]> {
  for (let i = 0; i < write.upsert.ids.length; i++) yield [write.upsert.types[i]!, write.upsert.ids[i]!, texts[i]!];
  for (let i = 0; i < write.delete.ids.length; i++) yield [write.delete.types[i]!, write.delete.ids[i]!, null];
}

/** An error for the log without anything that could carry key material (pg errors can echo rows). */
function describeError(err: unknown): { message: string; code?: string } {
  if (!(err instanceof Error)) return { message: String(err) };
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? { message: err.message, code } : { message: err.message };
}
