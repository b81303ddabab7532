// Rotating SECRETS_KEY must not lock stores out: the API-key pepper stays on API_KEY_PEPPER (the
// original key), while the keyring moves to the new key and still reads the old one.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadConfig } from '../../src/config/config.js';
import { resolveSecrets } from '../../src/config/dev-secrets.js';
import { decrypt, encrypt } from '../../src/security/secret-box.js';
import { deriveKey } from '../../src/security/secrets.js';
import { createStoresRepo, createStoresService } from '../../src/stores/index.js';

/** The stores service as the composition root builds it, over a given pepper secret. */
function createServices(db: Parameters<typeof createStoresRepo>[0], pepperSecret: string) {
  return { stores: createStoresService({ repo: createStoresRepo(db), apiKeyPepper: deriveKey(pepperSecret, 'api-key-pepper') }) };
}
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const original = 'original_secrets_key_0123456789abcdef0123';
const next = 'next_secrets_key_0123456789abcdef01234567';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.destroy();
});

async function secretsFor(env: Record<string, string>) {
  return resolveSecrets(loadConfig({ DRIN_API_KEY: 'a'.repeat(32), ...env }));
}

describe('SECRETS_KEY rotation', () => {
  it('keeps store API keys valid and old sealed values readable', async () => {
    const before = await secretsFor({ SECRETS_KEY: original });
    const created = await createServices(db.prisma, before.apiKeyPepperSecret).stores.create('s', { actor: 'admin' });
    const sealed = encrypt(before.keyring, 'creds', 'row');

    const during = await secretsFor({ SECRETS_KEY: next, SECRETS_KEY_VERSION: '2', SECRETS_KEY_PREVIOUS: `1:${original}`, API_KEY_PEPPER: original });
    const services = createServices(db.prisma, during.apiKeyPepperSecret);
    await expect(services.stores.authorize(created.storeId, created.apiKey)).resolves.toMatchObject({ storeId: created.storeId });
    expect(decrypt(during.keyring, sealed, 'row').toString()).toBe('creds');
    expect(encrypt(during.keyring, 'creds', 'row').keyVersion).toBe(2);

    const after = await secretsFor({ SECRETS_KEY: next, SECRETS_KEY_VERSION: '2', API_KEY_PEPPER: original });
    await expect(createServices(db.prisma, after.apiKeyPepperSecret).stores.authorize(created.storeId, created.apiKey)).resolves.toBeDefined();
    expect(() => decrypt(after.keyring, sealed, 'row')).toThrow(/not configured/);

    // What API_KEY_PEPPER prevents: a pepper that followed the key would refuse every store key.
    await expect(createServices(db.prisma, next).stores.authorize(created.storeId, created.apiKey)).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });
});
