// Re-seals every connection secret that is not under the keyring's current key (part of
// `npm run secrets:rotate`). Each write is a compare-and-swap on the old bytes: a connection whose
// store replaced its secret meanwhile is left as the store wrote it.
import type { Db } from '../db/prisma.js';
import { bytesKeyVersion, type Keyring } from '../security/secret-box.js';
import { createConnectionsRepo } from './connections.repo.js';

export interface ConnectionSecretsReport {
  resealed: number;
  changedMeanwhile: number;
  /** Connections whose secret does not open (its key is not in the keyring, or the bytes are damaged). */
  failed: { connectionId: string; storeId: string; keyVersion: number; reason: string }[];
}

export async function reencryptConnectionSecrets(db: Db, keyring: Keyring): Promise<ConnectionSecretsReport> {
  const report: ConnectionSecretsReport = { resealed: 0, changedMeanwhile: 0, failed: [] };
  const repo = createConnectionsRepo(db, keyring);
  const rows = await db.serviceConnection.findMany({ where: { secretSealed: { not: null } }, select: { id: true, storeId: true, secretSealed: true } });
  for (const row of rows) {
    const sealed = row.secretSealed!;
    const keyVersion = bytesKeyVersion(sealed);
    if (keyVersion === keyring.currentVersion) continue;
    let resealed: Uint8Array<ArrayBuffer>;
    try {
      resealed = repo.reseal({ id: row.id, secretSealed: sealed });
    } catch (err) {
      report.failed.push({ connectionId: row.id, storeId: row.storeId, keyVersion, reason: err instanceof Error ? err.message : String(err) });
      continue;
    }
    const { count } = await db.serviceConnection.updateMany({ where: { id: row.id, secretSealed: { equals: new Uint8Array(sealed) } }, data: { secretSealed: resealed } });
    if (count) report.resealed++;
    else report.changedMeanwhile++;
  }
  return report;
}
