// Rotating SECRETS_KEY: the rotation pass re-seals every connection secret under the new key —
// the credentials unchanged, so the provider keeps working — names one that does not open without
// touching it, and a second pass has nothing to do. A secret moved onto another connection's row
// does not open there.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { reencryptConnectionSecrets } from '../../src/mcp/index.js';
import { createConnectionsRepo } from '../../src/mcp/connections.repo.js';
import { bytesKeyVersion, createKeyring } from '../../src/security/secret-box.js';
import { startAppHarness, SECRETS_KEY, type AppHarness } from '../support/app-harness.js';

let h: AppHarness;
beforeAll(async () => {
  h = await startAppHarness();
});
afterAll(async () => {
  await h?.close();
});

const NEXT = 'next_secrets_key_0123456789abcdef01234567';
const SECRET = { username: 'editor', applicationPassword: 'abcd EFGH 1234 ijkl MNOP 5678' };
const rowOf = (id: string) => h.db.prisma.serviceConnection.findUniqueOrThrow({ where: { id } });
const audit = { actor: 'admin' as const, action: 'connection.created', resourceType: 'service_connection' };

it('re-seals connection secrets under the current key; one that does not open is named, not touched', async () => {
  const store = await h.services.stores.create('Rotating connections', { actor: 'admin' });
  const made = await h.request('POST', `/api/client/${store.storeId}/connections`, { key: store.apiKey, body: { provider: 'wordpress', name: 'Blog', config: { siteUrl: 'https://blog.example.com' }, secret: SECRET } });
  expect(made.status).toBe(201);
  // Without a secret there is nothing to re-seal.
  await h.request('POST', `/api/client/${store.storeId}/connections`, { key: store.apiKey, body: { provider: 'crm', name: 'CRM' } });
  const lostRepo = createConnectionsRepo(h.db.prisma, createKeyring({ version: 7, secret: 'a_key_that_is_gone_0123456789abcdef0123' }));
  const lost = await lostRepo.create(store.storeId, 'lost-connection', 'wordpress', { name: 'Lost', config: { siteUrl: 'https://old.example.com' }, secret: SECRET }, audit);

  const during = createKeyring({ version: 2, secret: NEXT }, [{ version: 1, secret: SECRETS_KEY }]);
  const report = await reencryptConnectionSecrets(h.db.prisma, during);
  expect(report).toEqual({ resealed: 1, changedMeanwhile: 0, failed: [{ connectionId: lost.id, storeId: store.storeId, keyVersion: 7, reason: expect.stringMatching(/not configured/) }] });

  const row = await rowOf(made.body.id);
  expect(bytesKeyVersion(row.secretSealed!)).toBe(2);
  expect(createConnectionsRepo(h.db.prisma, createKeyring({ version: 2, secret: NEXT })).openSecret(row)).toEqual(SECRET);
  expect(() => createConnectionsRepo(h.db.prisma, createKeyring({ version: 1, secret: SECRETS_KEY })).openSecret(row)).toThrow();
  expect(Buffer.from((await rowOf(lost.id)).secretSealed!).equals(Buffer.from(lost.secretSealed!))).toBe(true);
  expect(await reencryptConnectionSecrets(h.db.prisma, during)).toEqual({ resealed: 0, changedMeanwhile: 0, failed: [expect.objectContaining({ connectionId: lost.id })] });
});

it('a secret sealed for one connection does not open as another\'s', async () => {
  const store = await h.services.stores.create('Own connections', { actor: 'admin' });
  const body = { provider: 'wordpress', name: 'Blog', config: { siteUrl: 'https://blog.example.com' }, secret: SECRET };
  const one = (await h.request('POST', `/api/client/${store.storeId}/connections`, { key: store.apiKey, body })).body;
  const two = (await h.request('POST', `/api/client/${store.storeId}/connections`, { key: store.apiKey, body })).body;
  await h.db.prisma.serviceConnection.update({ where: { id: two.id }, data: { secretSealed: (await rowOf(one.id)).secretSealed } });
  const repo = createConnectionsRepo(h.db.prisma, createKeyring({ version: 1, secret: SECRETS_KEY }));
  expect(repo.openSecret(await rowOf(one.id))).toEqual(SECRET);
  const moved = await rowOf(two.id);
  expect(() => repo.openSecret(moved)).toThrow(/does not decrypt/);
  // Through the API too: the connection answers, its secret's fields listed, never the values.
  expect((await h.request('GET', `/api/client/${store.storeId}/connections/${two.id}`, { key: store.apiKey })).body.secretFields).toEqual(['applicationPassword', 'username']);
});
