// Exactly one process runs a slot: it holds a Postgres advisory lock for (store, slot) while the
// slot's socket lives. All of a process's slot locks live on one dedicated connection (advisory
// locks belong to a session), which also LISTENs for commands and slot changes. If that
// connection dies, Postgres releases every lock at once, so the process must stop its sockets
// before another process takes them over: `onLost` tells the engine to do exactly that.
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Logger } from 'pino';
import type { SlotRef } from '../../events/domain-events.js';

/** A stable signed 64-bit key per slot (collisions across stores would only delay a takeover). */
export function slotLockKey({ storeId, slot }: SlotRef): string {
  return createHash('sha256').update(`drin-slot:${storeId}:${slot}`).digest().readBigInt64BE(0).toString();
}

export const CHANNELS = { commands: 'drin_slot_commands', changes: 'drin_slot_changes' } as const;

export class SlotLocks {
  private client: pg.Client | undefined;
  private readonly held = new Set<string>();
  private lost = false;
  /** One connection runs one query at a time: calls queue here rather than inside pg. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly databaseUrl: string,
    private readonly log: Logger,
    private readonly handlers: { onLost: () => void; onNotification: (channel: string, payload: string) => void },
  ) {}

  async open(): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl, keepAlive: true });
    await client.connect();
    client.on('notification', (n) => this.handlers.onNotification(n.channel, n.payload ?? ''));
    const fail = (err?: Error) => {
      if (this.lost || this.client !== client) return;
      this.lost = true;
      this.log.error({ err, heldLocks: this.held.size }, 'lost the lock connection: every slot lock of this process is gone');
      this.held.clear();
      this.handlers.onLost();
    };
    client.on('error', fail);
    client.on('end', () => fail());
    await client.query(`LISTEN ${CHANNELS.commands}`);
    await client.query(`LISTEN ${CHANNELS.changes}`);
    this.client = client;
    this.lost = false;
  }

  get isOpen(): boolean {
    return Boolean(this.client) && !this.lost;
  }

  owns(ref: SlotRef): boolean {
    return this.held.has(slotLockKey(ref));
  }

  /**
   * True when this process now holds (or already held) the slot's lock. Checked inside the
   * connection's queue: advisory locks are re-entrant per session, so two racing calls for one
   * slot must not both take it (one release would then leave it held).
   */
  tryAcquire(ref: SlotRef): Promise<boolean> {
    const key = slotLockKey(ref);
    return this.serially(async () => {
      if (this.held.has(key)) return true;
      if (!this.client || this.lost) return false;
      const { rows } = await this.client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS ok', [key]);
      if (rows[0]?.ok) this.held.add(key);
      return Boolean(rows[0]?.ok);
    });
  }

  release(ref: SlotRef): Promise<void> {
    const key = slotLockKey(ref);
    return this.serially(async () => {
      if (!this.held.delete(key) || !this.client || this.lost) return;
      await this.client.query('SELECT pg_advisory_unlock($1::bigint)', [key]);
    });
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Closing the session releases every lock this process holds. */
  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.held.clear();
    await client?.end().catch(() => {});
  }
}
