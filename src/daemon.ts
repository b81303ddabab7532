// Starts and stops the whole daemon in order: database → services → HTTP. Shutdown runs in
// reverse and is bounded, so PM2's kill_timeout is never reached.
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { buildApp } from './app.js';
import type { Config } from './config/config.js';
import { resolveSecrets } from './config/dev-secrets.js';
import { openDatabase, type Database } from './db/database.js';
import { createServices, type Services } from './services.js';

/** The package version (package.json sits one level above both src/ and dist/). */
export function readVersion(): string {
  return JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
}

export interface RunningDaemon {
  url: string;
  database: Database;
  services: Services;
  /** Set only when the admin key was generated on this start. */
  generatedAdminKey?: string;
  stop(): Promise<void>;
}

export async function startDaemon(config: Config, logger: Logger): Promise<RunningDaemon> {
  const secrets = await resolveSecrets(config);
  if (secrets.file) logger.warn({ file: secrets.file }, 'DRIN_API_KEY or SECRETS_KEY unset: using development secrets kept in the data folder');

  const database = await openDatabase(
    { databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolMax: config.dbPoolMax, migrate: config.migrateOnStart },
    logger.child({ component: 'database' }),
  );
  const services = createServices(database.prisma, secrets.secretsKey);
  const app = buildApp({
    logger,
    version: readVersion(),
    adminApiKey: secrets.adminApiKey,
    corsOrigins: config.corsOrigins,
    bodyLimit: config.bodyLimit,
    trustProxy: config.trustProxy,
    stores: services.stores,
    pingDatabase: async () => {
      await database.prisma.$queryRaw`SELECT 1`;
    },
  });

  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.port, config.host, () => resolve(s));
    s.once('error', reject);
  }).catch(async (err) => {
    await database.close();
    throw err;
  });
  // Keep-alive longer than Nginx's upstream keepalive so Nginx never reuses a closed socket.
  server.keepAliveTimeout = 65_000;
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.host}:${port}`;

  return {
    url,
    database,
    services,
    generatedAdminKey: secrets.generatedAdminKey,
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await database.close();
    },
  };
}
