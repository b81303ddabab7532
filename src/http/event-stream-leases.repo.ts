// The per-store cap on open event streams (SSE), held across daemon processes: every open stream
// is a row in event_stream_leases. Taking one counts the store's live rows under a per-store
// transaction lock, so two processes cannot both take the last place. The process renews its rows
// while their streams live; rows of a process that died lapse after LEASE_TTL_MS, so a crash
// costs a store at most that long of a smaller cap.
import type { Logger } from 'pino';
import type pg from 'pg';

export const LEASE_TTL_MS = 60_000;
const RENEW_EVERY_MS = LEASE_TTL_MS / 3;
/** First key of the two-key advisory lock space: stays clear of the slot locks' one-key (bigint) space. */
const LOCK_CLASS = 0x44524e;

export class EventStreamLeases {
  private readonly held = new Set<string>();
  private renewTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly perStore: number,
    private readonly log: Logger,
  ) {}

  /** A lease for one more stream of the store (call the result when the stream ends), or undefined at the cap. */
  async acquire(storeId: string): Promise<(() => void) | undefined> {
    const client = await this.pool.connect();
    let id: string | undefined;
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_CLASS, storeId]);
      // Every lapsed row, not only this store's: the table stays as small as the streams open now.
      await client.query('DELETE FROM event_stream_leases WHERE expires_at <= now()');
      const { rows } = await client.query<{ id: string }>(
        `INSERT INTO event_stream_leases (store_id, expires_at)
         SELECT $1, now() + make_interval(secs => $3)
         WHERE (SELECT count(*) FROM event_stream_leases WHERE store_id = $1) < $2
         RETURNING id`,
        [storeId, this.perStore, LEASE_TTL_MS / 1000],
      );
      await client.query('COMMIT');
      id = rows[0]?.id;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
    if (!id) return undefined;
    this.held.add(id);
    this.renewTimer ??= setInterval(() => void this.renew(), RENEW_EVERY_MS).unref();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.held.delete(id);
      if (this.held.size === 0) this.stopRenewing();
      this.pool.query('DELETE FROM event_stream_leases WHERE id = $1', [id]).catch((err: unknown) => {
        this.log.warn({ err, storeId }, 'could not release an event-stream lease; it lapses on its own');
      });
    };
  }

  /** Stops renewing (shutdown); rows still held lapse after LEASE_TTL_MS. */
  close(): void {
    this.stopRenewing();
  }

  private stopRenewing(): void {
    clearInterval(this.renewTimer);
    this.renewTimer = undefined;
  }

  private async renew(): Promise<void> {
    if (this.held.size === 0) return;
    try {
      await this.pool.query('UPDATE event_stream_leases SET expires_at = now() + make_interval(secs => $2) WHERE id = ANY($1::uuid[])', [
        [...this.held],
        LEASE_TTL_MS / 1000,
      ]);
    } catch (err) {
      this.log.warn({ err, streams: this.held.size }, 'could not renew event-stream leases; other processes may see this store under its cap');
    }
  }
}
