// Re-seals every webhook's secret and extra headers that are not under the keyring's current key
// (part of `npm run secrets:rotate`). Each write is a compare-and-swap on the old bytes: a hook
// whose store changed it meanwhile is left as the store wrote it.
import type { Db } from '../db/prisma.js';
import { bytesKeyVersion, type Keyring } from '../security/secret-box.js';
import { createWebhooksRepo } from './webhooks.repo.js';

export interface WebhookSecretsReport {
  resealed: number;
  changedMeanwhile: number;
  /** Hooks whose sealed values do not open (their key is not in the keyring, or the bytes are damaged). */
  failed: { webhookId: string; storeId: string; keyVersion: number; reason: string }[];
}

export async function reencryptWebhookSecrets(db: Db, keyring: Keyring): Promise<WebhookSecretsReport> {
  const report: WebhookSecretsReport = { resealed: 0, changedMeanwhile: 0, failed: [] };
  const repo = createWebhooksRepo(db, keyring);
  const rows = await db.webhook.findMany({ select: { id: true, storeId: true, secretSealed: true, headersSealed: true } });
  for (const row of rows) {
    const versions = [row.secretSealed, ...(row.headersSealed ? [row.headersSealed] : [])].map(bytesKeyVersion);
    if (versions.every((v) => v === keyring.currentVersion)) continue;
    let resealed: { secretSealed: Uint8Array<ArrayBuffer>; headersSealed: Uint8Array<ArrayBuffer> | null };
    try {
      resealed = repo.reseal(row);
    } catch (err) {
      report.failed.push({ webhookId: row.id, storeId: row.storeId, keyVersion: versions.find((v) => v !== keyring.currentVersion)!, reason: err instanceof Error ? err.message : String(err) });
      continue;
    }
    const { count } = await db.webhook.updateMany({
      where: { id: row.id, secretSealed: { equals: new Uint8Array(row.secretSealed) }, ...(row.headersSealed ? { headersSealed: { equals: new Uint8Array(row.headersSealed) } } : { headersSealed: null }) },
      data: resealed,
    });
    if (count) report.resealed++;
    else report.changedMeanwhile++;
  }
  return report;
}
