// Repositories and services built over one Prisma client. main.ts and the tests share this, so
// a test exercises the same wiring as production.
import { createAuditRepo } from './audit/audit.repo.js';
import type { Db } from './db/prisma.js';
import { deriveKey } from './security/secrets.js';
import { createStoresRepo, createStoresService } from './stores/index.js';

export function createServices(db: Db, secretsKey: string) {
  const audit = createAuditRepo(db);
  const stores = createStoresService({
    repo: createStoresRepo(db),
    apiKeyPepper: deriveKey(secretsKey, 'api-key-pepper'),
  });
  return { audit, stores };
}

export type Services = ReturnType<typeof createServices>;
