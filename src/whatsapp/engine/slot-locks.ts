// Exactly one process runs a slot: it holds a Postgres advisory lock for (store, slot) while the
// slot's socket lives. All of a process's slot locks live on one dedicated connection (advisory
// locks belong to a session), which also LISTENs for commands and changes. If that connection
// dies, Postgres releases every lock at once, so the process must stop its sockets before another
// process takes them over: `onLost` tells the engine to do exactly that.
//
// Loss is detected within seconds, not at the next query: TCP keepalive on the socket, and a
// heartbeat query every `heartbeatMs` that must answer within three of them (a busy process's
// event loop can stall for seconds; that is not a dead connection). A backend terminated from
// Postgres (pg_terminate_backend) is seen at once ('error' / 'end').
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Logger } from 'pino';
import type { SlotRef } from '../../kernel/index.js';
import { CHANNELS } from './slot-channels.js';

/** A stable signed 64-bit key per slot (collisions across stores would only delay a takeover). */
export function slotLockKey({ storeId, slot }: SlotRef): string {
  return createHash('sha256').update(`drin-slot:${storeId}:${slot}`).digest().readBigInt64BE(0).toString();
}

/** `acquired`: taken just now; `held`: this process already held it; `taken`: another process holds it. */
export type AcquireResult = 'acquired' | 'held' | 'taken';

export interface SlotLocksOptions {
  heartbeatMs: number;
  /** Names the connection in pg_stat_activity (`drin-locks <processId>`), so an operator can find it. */
  processId: string;
}

export class SlotLocks {
  private client: pg.Client | undefined;
  private readonly held = new Set<string>();
  private lost = false;
  private heartbeat: NodeJS.Timeout | undefined;
  /** One heartbeat in flight at a time: the one still waiting carries the verdict. */
  private beating = false;
  /** One connection runs one query at a time: calls queue here rather than inside pg. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly databaseUrl: string,
    private readonly log: Logger,
    private readonly options: SlotLocksOptions,
    private readonly handlers: { onLost: () => void; onNotification: (channel: string, payload: string) => void },
  ) {}

  async open(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.databaseUrl,
      keepAlive: true,
      keepAliveInitialDelayMillis: Math.max(1_000, this.options.heartbeatMs),
      connectionTimeoutMillis: Math.max(5_000, this.options.heartbeatMs * 2),
      application_name: `drin-locks ${this.options.processId}`,
    });
    // An error before `connect` resolves is thrown by connect itself; after, it is a loss.
    client.on('error', (err) => this.lose(client, err));
    client.on('end', () => this.lose(client));
    await client.connect();
    client.on('notification', (n) => this.handlers.onNotification(n.channel, n.payload ?? ''));
    for (const channel of Object.values(CHANNELS)) await client.query(`LISTEN ${channel}`);
    this.client = client;
    this.lost = false;
    this.heartbeat = setInterval(() => void this.beat(client), this.options.heartbeatMs);
    this.heartbeat.unref();
  }

  get isOpen(): boolean {
    return Boolean(this.client) && !this.lost;
  }

  owns(ref: SlotRef): boolean {
    return this.held.has(slotLockKey(ref));
  }

  /**
   * Takes the slot's lock if nobody holds it. Checked inside the connection's queue: advisory
   * locks are re-entrant per session, so two racing calls must not both take it (one release
   * would then leave it held) — the second one hears `held`.
   */
  acquire(ref: SlotRef): Promise<AcquireResult> {
    const key = slotLockKey(ref);
    return this.serially(async () => {
      if (this.held.has(key)) return 'held';
      if (!this.client || this.lost) return 'taken';
      const { rows } = await this.client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS ok', [key]);
      if (!rows[0]?.ok) return 'taken';
      this.held.add(key);
      return 'acquired';
    });
  }

  release(ref: SlotRef): Promise<void> {
    const key = slotLockKey(ref);
    return this.serially(async () => {
      if (!this.held.delete(key) || !this.client || this.lost) return;
      const client = this.client;
      try {
        await client.query('SELECT pg_advisory_unlock($1::bigint)', [key]);
      } catch (err) {
        // An unlock that fails leaves us not knowing what we hold: a session we cannot trust is
        // given up whole (its locks go with it, and the engine stops every socket), never kept.
        this.log.warn({ err, lost: this.lost }, 'unlocking a slot failed: giving up the lock connection');
        this.lose(client, err as Error);
      }
    });
  }

  /** Closing the session releases every lock this process holds. */
  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    // Let a lock or unlock already queued finish on the connection before ending it.
    await this.queue;
    const client = this.client;
    this.client = undefined;
    this.held.clear();
    await client?.end().catch(() => {});
  }

  /** `client` is gone (or cannot be trusted): every lock on it is, and the engine must hear it once. */
  private lose(client: pg.Client, err?: Error): void {
    if (this.lost || this.client !== client) return;
    this.lost = true;
    clearInterval(this.heartbeat);
    this.log.error({ err, heldLocks: this.held.size }, 'lost the lock connection: every slot lock of this process is gone');
    this.held.clear();
    client.end().catch(() => {});
    this.handlers.onLost();
  }

  private async beat(client: pg.Client): Promise<void> {
    if (this.beating) return;
    this.beating = true;
    let timer: NodeJS.Timeout | undefined;
    const bound = 3 * this.options.heartbeatMs;
    const silent = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`lock connection silent for ${bound} ms`)), bound);
    });
    try {
      await Promise.race([this.serially(() => client.query('SELECT 1')), silent]);
    } catch (err) {
      this.lose(client, err as Error);
    } finally {
      clearTimeout(timer);
      this.beating = false;
    }
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work);
    this.queue = result.catch(() => undefined);
    return result;
  }
}
