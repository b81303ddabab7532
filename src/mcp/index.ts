// A store's service connections (whatsapp, crm, wordpress…) with their encrypted secrets and MCP
// tokens, and the MCP endpoint AI agents call with those tokens.
import type { Db } from '../db/prisma.js';
import type { Keyring } from '../security/secret-box.js';
import { createConnectionsRepo } from './connections.repo.js';
import { createConnectionsService, type ConnectionsService } from './connections.service.js';
import { PROVIDERS } from './providers/registry.js';

export { connectionsRouter } from './connections.routes.js';
export { mcpRouter } from './mcp.routes.js';
export type { ConnectionsService } from './connections.service.js';
export type { McpServices } from './services.js';
/** `npm run secrets:rotate`: connection secrets re-sealed under the current SECRETS_KEY. */
export { reencryptConnectionSecrets, type ConnectionSecretsReport } from './connection-secret-reencryption.repo.js';

export interface Mcp {
  connections: ConnectionsService;
  /** Writes the registered providers into service_providers (boot, before the routes serve). */
  syncProviders(): Promise<void>;
}

/** The domain wired over one database: what composition.ts calls. */
export function createMcp(deps: { db: Db; keyring: Keyring; tokenPepper: Buffer }): Mcp {
  const repo = createConnectionsRepo(deps.db, deps.keyring);
  const connections = createConnectionsService({ repo, providers: PROVIDERS, tokenPepper: deps.tokenPepper });
  return { connections, syncProviders: () => repo.syncProviders([...PROVIDERS.values()].map((p) => ({ key: p.key, name: p.name, version: p.version }))) };
}
