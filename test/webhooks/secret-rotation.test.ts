// Rotating SECRETS_KEY: the rotation pass re-seals every webhook's secret and extra headers under
// the new key — the values unchanged, so receivers keep verifying — names a hook that does not
// open without touching it, and a second pass has nothing to do.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { createKeyring, bytesKeyVersion } from '../../src/security/secret-box.js';
import { reencryptWebhookSecrets } from '../../src/webhooks/index.js';
import { createWebhooksRepo } from '../../src/webhooks/webhooks.repo.js';
import { startAppHarness, SECRETS_KEY, type AppHarness } from '../support/app-harness.js';

let h: AppHarness;
beforeAll(async () => {
  h = await startAppHarness();
});
afterAll(async () => {
  await h?.close();
});

const NEXT = 'next_secrets_key_0123456789abcdef01234567';
const rowOf = (id: string) => h.db.prisma.webhook.findUniqueOrThrow({ where: { id } });

it('re-seals webhook secrets and headers under the current key; one that does not open is named, not touched', async () => {
  const store = await h.services.stores.create('Rotating hooks', { actor: 'admin' });
  const made = await h.request('POST', `/api/client/${store.storeId}/webhooks`, {
    key: store.apiKey,
    body: { url: 'https://203.0.113.20/hook', events: ['*'], headers: { 'X-Token': 'receiver-token-1' } },
  });
  expect(made.status).toBe(201);
  const bare = (await h.request('POST', `/api/client/${store.storeId}/webhooks`, { key: store.apiKey, body: { url: 'https://203.0.113.21/hook', events: ['*'] } })).body;
  // A hook sealed under a key nobody has any more (version 7).
  const lostRepo = createWebhooksRepo(h.db.prisma, createKeyring({ version: 7, secret: 'a_key_that_is_gone_0123456789abcdef0123' }));
  const lost = await lostRepo.create(store.storeId, 'lost-hook', { url: 'https://203.0.113.22/hook', events: ['*'], secret: `whsec_${Buffer.alloc(32, 1).toString('base64')}` }, { actor: 'admin', action: 'webhook.created', resourceType: 'webhook' });

  const during = createKeyring({ version: 2, secret: NEXT }, [{ version: 1, secret: SECRETS_KEY }]);
  const report = await reencryptWebhookSecrets(h.db.prisma, during);
  expect(report).toEqual({ resealed: 2, changedMeanwhile: 0, failed: [{ webhookId: lost.id, storeId: store.storeId, keyVersion: 7, reason: expect.stringMatching(/not configured/) }] });

  const after = createWebhooksRepo(h.db.prisma, createKeyring({ version: 2, secret: NEXT }));
  const old = createWebhooksRepo(h.db.prisma, createKeyring({ version: 1, secret: SECRETS_KEY }));
  const row = await rowOf(made.body.id);
  expect([bytesKeyVersion(row.secretSealed), bytesKeyVersion(row.headersSealed!)]).toEqual([2, 2]);
  expect(after.openSecrets(row)).toEqual({ secret: made.body.secret, headers: { 'X-Token': 'receiver-token-1' } });
  expect(() => old.openSecrets(row)).toThrow();
  expect(bytesKeyVersion((await rowOf(bare.id)).secretSealed)).toBe(2);
  expect(Buffer.from((await rowOf(lost.id)).secretSealed).equals(Buffer.from(lost.secretSealed))).toBe(true);
  expect(await reencryptWebhookSecrets(h.db.prisma, during)).toEqual({ resealed: 0, changedMeanwhile: 0, failed: [expect.objectContaining({ webhookId: lost.id })] });
});

it('a secret sealed for one hook does not open as another hook\'s', async () => {
  const store = await h.services.stores.create('Own hooks', { actor: 'admin' });
  const post = (url: string) => h.request('POST', `/api/client/${store.storeId}/webhooks`, { key: store.apiKey, body: { url, events: ['*'] } });
  const a = (await post('https://203.0.113.30/a')).body;
  const b = (await post('https://203.0.113.30/b')).body;
  const repo = createWebhooksRepo(h.db.prisma, createKeyring({ version: 1, secret: SECRETS_KEY }));
  const rowA = await rowOf(a.id);
  expect(repo.openSecrets(rowA).secret).toBe(a.secret);
  expect(() => repo.openSecrets({ ...rowA, id: b.id })).toThrow(/does not decrypt/);
});
