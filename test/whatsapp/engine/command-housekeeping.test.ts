// Acceptance: a command claimed by a process that died is failed (its caller hears an answer),
// not left `running` for ever; old command rows are purged.
import { describe, expect, it } from '@jest/globals';
import { useDaemonSuite } from '../../support/daemon-harness.js';

const ctx = useDaemonSuite();

describe('slot command housekeeping', () => {
  it('fails a command whose claimer died and purges rows past retention, on the next scan', async () => {
    const store = await ctx.h.createStore('Housekeeping Store');
    const insert = (status: string, claimedAgo: string | null, createdAgo: string) =>
      ctx.h.db.pool.query<{ id: string }>(
        `INSERT INTO slot_commands (id, store_id, slot, command, payload, status, claimed_at, claimed_by, created_at)
         VALUES (gen_random_uuid()::text, $1, 1, 'restart', '{"command":"restart"}', $2, now() - $3::interval, 'a-dead-process', now() - $4::interval) RETURNING id`,
        [store.storeId, status, claimedAgo, createdAgo],
      ).then((r) => r.rows[0]!.id);
    // The sweep runs on a process's first scan and then once a minute: restart the daemon to get one.
    await ctx.h.stop();
    const orphan = await insert('running', '10 minutes', '10 minutes');
    const fresh = await insert('running', '1 second', '1 second');
    const ancient = await insert('done', '8 days', '8 days');
    await ctx.h.start();

    const row = async (id: string) => (await ctx.h.db.pool.query('SELECT status, error FROM slot_commands WHERE id = $1', [id])).rows[0];
    const deadline = Date.now() + 30_000;
    while ((await row(orphan))?.status === 'running' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await row(orphan)).toEqual({ status: 'failed', error: expect.stringMatching(/stopped before answering/) });
    // A claim younger than any command may run is left to its claimer.
    expect(await row(fresh)).toMatchObject({ status: 'running' });
    expect(await row(ancient)).toBeUndefined();
  });
});
