// Acceptance: rotating SECRETS_KEY with the rotation script re-seals every auth row under the new
// key, and the linked slot still resumes without a QR and still decrypts.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import { SECRETS_KEY, useDaemonSuite, waitForEvent } from '../../support/daemon-harness.js';
import { linkSlot } from '../../support/link-slot.js';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../../..');
const NEW_KEY = 'rotated_secrets_key_0123456789abcdef0123';

// The daemon reads this object at every (re)start: the test changes it between them.
const env: Record<string, string> = {};
const ctx = useDaemonSuite({ env });

describe('rotating SECRETS_KEY', () => {
  it('re-seals every auth row under the new key; the slot resumes without a QR and decrypts', async () => {
    const store = await ctx.h.createStore('Rotation Store');
    await linkSlot(ctx.h, ctx.sim, store, 1, '5511966660021');
    const contact = ctx.sim.phone('5511966660021').contact(undefined, { pushName: 'Before' });
    expect((await contact.waitForClientReceipt(await contact.sendText('before'))).type).not.toBe('retry');
    await ctx.h.stop();

    // The procedure of the README: new key at version 2, the old one kept as previous, the pepper
    // pinned to the old key so store keys stay valid; then the script.
    Object.assign(env, { SECRETS_KEY: NEW_KEY, SECRETS_KEY_VERSION: '2', SECRETS_KEY_PREVIOUS: `1:${SECRETS_KEY}`, API_KEY_PEPPER: SECRETS_KEY });
    const rotated = await run(process.execPath, ['--experimental-wasm-modules', '--disable-warning=ExperimentalWarning', '--import', 'tsx', 'scripts/rotate-secrets.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, NODE_ENV: 'test', DATABASE_URL: ctx.h.db.url, DRIN_API_KEY: 'x'.repeat(32), DB_MIGRATE_ON_START: 'false', ...env },
    });
    expect(rotated.stdout).toContain('every auth row is under the current key');
    const versions = await ctx.h.db.pool.query(
      `SELECT key_version, count(*)::int AS n FROM (SELECT key_version FROM auth_creds WHERE store_id = $1 UNION ALL SELECT key_version FROM auth_keys WHERE store_id = $1) v GROUP BY key_version`,
      [store.storeId],
    );
    expect(versions.rows).toEqual([{ key_version: 2, n: expect.any(Number) }]);

    // Now without the previous key: the rows must open under the new one alone.
    delete env.SECRETS_KEY_PREVIOUS;
    await ctx.h.start();
    await waitForEvent(ctx.h, 'session.status', (e) => e.storeId === store.storeId && e.slot === 1 && e.status === 'connected', 30_000);
    expect(ctx.h.events.peekAll().some((x) => x.type === 'session.qr')).toBe(false);
    expect((await contact.waitForClientReceipt(await contact.sendText('after'), { timeoutMs: 30_000 })).type).not.toBe('retry');
    // The store's key still works: the pepper did not move with SECRETS_KEY.
    expect((await ctx.h.request('GET', `/api/whatsapp/${store.storeId}/sessions`, { key: store.apiKey })).status).toBe(200);
  }, 120_000);
});
