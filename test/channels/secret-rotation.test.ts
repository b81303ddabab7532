// Rotating SECRETS_KEY: the rotation pass re-seals every store's channel secret under the new key,
// the secret itself unchanged (n8n keeps signing with it), and a second pass has nothing to do.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { openChannelSecret, sealChannelSecret, sealedKeyVersion } from '../../src/channels/channel-secret.js';
import { reencryptChannelSecrets } from '../../src/channels/index.js';
import { createKeyring } from '../../src/security/secret-box.js';
import { makeStore } from '../support/factories.js';
import { startAppHarness, SECRETS_KEY, type AppHarness } from '../support/app-harness.js';
import { makeChannelStore } from './channel-support.js';

let h: AppHarness;
beforeAll(async () => {
  h = await startAppHarness();
});
afterAll(async () => {
  await h?.services.channels.stop();
  await h?.close();
});

const NEXT = 'next_secrets_key_0123456789abcdef01234567';
const sealedOf = async (storeId: string) => (await h.db.prisma.storeSettings.findUniqueOrThrow({ where: { storeId } })).channelsSecretEnc!;

it('re-seals channel secrets under the current key; a secret that does not open is named, not touched', async () => {
  const a = await makeChannelStore(h, 'Rotating A');
  const b = await makeChannelStore(h, 'Rotating B');
  const old = createKeyring({ version: 1, secret: SECRETS_KEY });
  expect(sealedKeyVersion(await sealedOf(a.storeId))).toBe(1);
  // A store whose secret was sealed under a key nobody has any more (version 7).
  const lost = await makeStore(h.services);
  const lostBytes = sealChannelSecret(createKeyring({ version: 7, secret: 'a_key_that_is_gone_0123456789abcdef0123' }), lost.storeId, 'whsec_bG9zdA==');
  await h.db.prisma.storeSettings.create({ data: { storeId: lost.storeId, channelsSecretEnc: lostBytes, channelsSecretLast4: 'dA==' } });

  const during = createKeyring({ version: 2, secret: NEXT }, [{ version: 1, secret: SECRETS_KEY }]);
  const report = await reencryptChannelSecrets(h.db.prisma, during);
  expect(report).toEqual({ resealed: 2, changedMeanwhile: 0, failed: [{ storeId: lost.storeId, keyVersion: 7, reason: expect.stringMatching(/not configured/) }] });

  const after = createKeyring({ version: 2, secret: NEXT });
  for (const s of [a, b]) {
    const sealed = await sealedOf(s.storeId);
    expect(sealedKeyVersion(sealed)).toBe(2);
    expect(openChannelSecret(after, s.storeId, sealed)).toBe(s.secret);
    expect(() => openChannelSecret(old, s.storeId, sealed)).toThrow();
  }
  expect(Buffer.from(await sealedOf(lost.storeId)).equals(Buffer.from(lostBytes))).toBe(true);
  expect(await reencryptChannelSecrets(h.db.prisma, during)).toEqual({ resealed: 0, changedMeanwhile: 0, failed: [expect.objectContaining({ storeId: lost.storeId })] });
});

it('a secret sealed for one store does not open as another store\'s', async () => {
  const a = await makeChannelStore(h, 'Own');
  const b = await makeChannelStore(h, 'Other');
  const keyring = createKeyring({ version: 1, secret: SECRETS_KEY });
  const sealed = await sealedOf(a.storeId);
  expect(openChannelSecret(keyring, a.storeId, sealed)).toBe(a.secret);
  expect(() => openChannelSecret(keyring, b.storeId, sealed)).toThrow(/does not decrypt/);
});
