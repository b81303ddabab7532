// Acceptance: stop / start / restart / logout raced against each other and the engine's own scan
// never leave a socket that no lock covers (or a lock that no socket uses): one code path owns a
// slot at a time.
import { describe, expect, it } from '@jest/globals';
import { slotLockKey } from '../../../src/whatsapp/engine/slot-locks.js';
import { useDaemonSuite } from '../../support/daemon-harness.js';
import { linkSlot } from '../../support/link-slot.js';

// A scan every 100 ms, so the takeover path races the commands too.
const ctx = useDaemonSuite({ engine: { scanIntervalMs: 100 } });

/** Advisory locks Postgres holds for the slot, by any session. */
async function lockHolders(ref: { storeId: string; slot: number }): Promise<number> {
  const key = BigInt(slotLockKey(ref));
  const unsigned = BigInt.asUintN(64, key);
  const { rows } = await ctx.h.db.pool.query(
    `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = $1::bigint::oid AND objid = $2::bigint::oid AND objsubid = 1`,
    [(unsigned >> 32n).toString(), (unsigned & 0xffffffffn).toString()],
  );
  return rows[0].n;
}

describe('slot ownership under racing commands', () => {
  it('50 rounds of racing commands: a running socket always has its lock, a stopped slot has none', async () => {
    const store = await ctx.h.createStore('Racing Store');
    const ref = { storeId: store.storeId, slot: 1 };
    await linkSlot(ctx.h, ctx.sim, store, 1, '5511988880001');
    const phone = ctx.sim.phone('5511988880001');
    const post = (cmd: string) => ctx.h.request('POST', `/api/whatsapp/${store.storeId}/1/${cmd}`, { key: store.apiKey });
    const rounds = [
      ['start', 'stop', 'start'],
      ['stop', 'start', 'restart'],
      ['restart', 'stop', 'stop'],
      ['start', 'start', 'stop', 'start'],
    ];
    for (let i = 0; i < 50; i++) {
      const answers = await Promise.all(rounds[i % rounds.length]!.map(post));
      // Every command answers (a 409 for a command that no longer fits is fine), never a 5xx.
      for (const a of answers) expect(a.status).toBeLessThan(500);
      await ctx.h.daemon.engine.drainSlotWrites();
      const supervisor = ctx.h.daemon.engine.supervisor(ref);
      const row = await ctx.h.db.prisma.sessionSlot.findFirstOrThrow({ where: ref });
      const running = Boolean(supervisor);
      // A stopped slot's lock may be held for a moment by a scan that listed it as wanted just
      // before the stop and is re-reading `desired` under the lock: it must let go at once.
      let locks = await lockHolders(ref);
      for (let waited = 0; !running && locks > 0 && waited < 100; waited++) {
        await new Promise((r) => setTimeout(r, 50));
        locks = await lockHolders(ref);
      }
      // Running here ⇔ locked ⇔ wanted running.
      expect({ round: i, running, locks, desired: row.desired }).toEqual({ round: i, running, locks: running ? 1 : 0, desired: running ? 'running' : 'stopped' });
    }
    // The last word is a start: connected again from the saved session, on one socket.
    expect((await post('start')).body).toMatchObject({ status: 'connected' });
    expect(phone.connectionCount()).toBe(1);

    // Logout racing a start: whichever wins, the end is consistent and the link is gone or kept whole.
    const [loggedOut] = await Promise.all([post('logout'), post('start')]);
    expect(loggedOut.status).toBeLessThan(500);
    await ctx.h.daemon.engine.drainSlotWrites();
    const runningAtEnd = Boolean(ctx.h.daemon.engine.supervisor(ref));
    if (runningAtEnd) expect(await lockHolders(ref)).toBe(1);
  }, 180_000);
});
