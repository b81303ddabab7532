// Re-seals every store's channel secret that is not under the keyring's current key (part of
// `npm run secrets:rotate`). A store count of rows, so one pass with no batching. Each write is a
// compare-and-swap on the old bytes: a secret the store replaced meanwhile is left as it is.
import type { Db } from '../db/prisma.js';
import type { Keyring } from '../security/secret-box.js';
import { openChannelSecret, sealChannelSecret, sealedKeyVersion } from './channel-secret.js';

export interface ChannelSecretsReport {
  resealed: number;
  changedMeanwhile: number;
  /** Secrets that do not open (their key is not in the keyring, or the bytes are damaged). */
  failed: { storeId: string; keyVersion: number; reason: string }[];
}

export async function reencryptChannelSecrets(db: Db, keyring: Keyring): Promise<ChannelSecretsReport> {
  const report: ChannelSecretsReport = { resealed: 0, changedMeanwhile: 0, failed: [] };
  const rows = await db.storeSettings.findMany({ where: { channelsSecretEnc: { not: null } }, select: { storeId: true, channelsSecretEnc: true } });
  for (const { storeId, channelsSecretEnc: old } of rows) {
    const keyVersion = sealedKeyVersion(old!);
    if (keyVersion === keyring.currentVersion) continue;
    let sealed: Uint8Array<ArrayBuffer>;
    try {
      sealed = sealChannelSecret(keyring, storeId, openChannelSecret(keyring, storeId, old!));
    } catch (err) {
      report.failed.push({ storeId, keyVersion, reason: err instanceof Error ? err.message : String(err) });
      continue;
    }
    const { count } = await db.storeSettings.updateMany({ where: { storeId, channelsSecretEnc: { equals: new Uint8Array(old!) } }, data: { channelsSecretEnc: sealed } });
    if (count) report.resealed++;
    else report.changedMeanwhile++;
  }
  return report;
}
