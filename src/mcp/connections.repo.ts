// service_providers, service_connections and mcp_tokens. A connection's secret is sealed
// (AES-256-GCM under SECRETS_KEY; AAD = the connection's id, so bytes moved onto another row do
// not open); a token is stored as its keyed hash and last four characters only. Every change is
// audited in its own transaction.
import { writeAudit, type AuditEntry } from '../audit/audit.repo.js';
import type { Db, Prisma } from '../db/prisma.js';
import { openBytes, sealToBytes, type Keyring } from '../security/secret-box.js';

export type ConnectionRow = Prisma.ServiceConnectionGetPayload<{ include: { provider: { select: { key: true } } } }>;
export type TokenRow = Prisma.McpTokenGetPayload<object>;

const secretAad = (connectionId: string) => `service_connections.secret\u0000${connectionId}`;
const withProvider = { provider: { select: { key: true } } } as const;
/** lastUsedAt is a hint for the dashboard: written at most once a minute per token. */
const LAST_USED_EVERY_MS = 60_000;

export interface ConnectionWrite {
  name?: string;
  status?: string;
  config?: Prisma.InputJsonObject;
  /** null: none. */
  secret?: Record<string, unknown> | null;
}

export function createConnectionsRepo(db: Db, keyring: Keyring) {
  function sealed(id: string, w: ConnectionWrite) {
    const { secret, config, ...plain } = w;
    return {
      ...plain,
      ...(config !== undefined ? { configJson: config } : {}),
      ...(secret !== undefined
        ? { secretSealed: secret ? sealToBytes(keyring, JSON.stringify(secret), secretAad(id)) : null, secretFields: secret ? Object.keys(secret).sort() : [] }
        : {}),
    };
  }

  return {
    /** Makes service_providers hold every registered provider (a new one needs no migration). */
    async syncProviders(providers: readonly { key: string; name: string; version: string }[]): Promise<void> {
      for (const p of providers) {
        await db.serviceProvider.upsert({ where: { key: p.key }, create: { ...p, enabled: true }, update: { name: p.name, version: p.version } });
      }
    },

    async create(storeId: string, id: string, providerKey: string, w: ConnectionWrite & { name: string }, audit: AuditEntry): Promise<ConnectionRow> {
      return db.$transaction(async (tx) => {
        const provider = await tx.serviceProvider.findUniqueOrThrow({ where: { key: providerKey } });
        const row = await tx.serviceConnection.create({ data: { ...sealed(id, w), name: w.name, id, storeId, providerId: provider.id }, include: withProvider });
        await writeAudit(tx, { ...audit, storeId, resourceId: id });
        return row;
      });
    },

    get(storeId: string, id: string): Promise<ConnectionRow | null> {
      return db.serviceConnection.findUnique({ where: { storeId_id: { storeId, id } }, include: withProvider });
    },

    list(storeId: string): Promise<ConnectionRow[]> {
      return db.serviceConnection.findMany({ where: { storeId }, include: withProvider, orderBy: { createdAt: 'asc' } });
    },

    async update(storeId: string, id: string, w: ConnectionWrite, audit: AuditEntry): Promise<ConnectionRow | null> {
      return db.$transaction(async (tx) => {
        const { count } = await tx.serviceConnection.updateMany({ where: { storeId, id }, data: sealed(id, w) });
        if (!count) return null;
        await writeAudit(tx, { ...audit, storeId, resourceId: id });
        return tx.serviceConnection.findUniqueOrThrow({ where: { id }, include: withProvider });
      });
    },

    /** Deletes the connection and its tokens (they stop working at once). */
    async remove(storeId: string, id: string, audit: AuditEntry): Promise<boolean> {
      return db.$transaction(async (tx) => {
        const { count } = await tx.serviceConnection.deleteMany({ where: { storeId, id } });
        if (count) await writeAudit(tx, { ...audit, storeId, resourceId: id });
        return count > 0;
      });
    },

    /** The connection's secret as JSON ({} when it has none). */
    openSecret(row: { id: string; secretSealed: Uint8Array | null }): Record<string, unknown> {
      return row.secretSealed ? (JSON.parse(openBytes(keyring, row.secretSealed, secretAad(row.id))) as Record<string, unknown>) : {};
    },

    /** The same secret sealed again under the current key (`npm run secrets:rotate`). */
    reseal(row: { id: string; secretSealed: Uint8Array }): Uint8Array<ArrayBuffer> {
      return sealToBytes(keyring, openBytes(keyring, row.secretSealed, secretAad(row.id)), secretAad(row.id));
    },

    /** A new token of the store's connection; null when it has no such connection. */
    async createToken(storeId: string, connectionId: string, t: { id: string; hash: string; last4: string; label?: string; expiresAt?: Date }, audit: AuditEntry): Promise<TokenRow | null> {
      return db.$transaction(async (tx) => {
        const connection = await tx.serviceConnection.findUnique({ where: { storeId_id: { storeId, id: connectionId } }, select: { id: true } });
        if (!connection) return null;
        const row = await tx.mcpToken.create({ data: { id: t.id, storeId, connectionId, tokenHash: t.hash, tokenLast4: t.last4, label: t.label ?? null, expiresAt: t.expiresAt ?? null } });
        await writeAudit(tx, { ...audit, storeId, resourceId: connectionId });
        return row;
      });
    },

    listTokens(storeId: string, connectionId: string): Promise<TokenRow[]> {
      return db.mcpToken.findMany({ where: { storeId, connectionId }, orderBy: { createdAt: 'asc' } });
    },

    /** Revokes a live token (a revoked one stays revoked, its first time kept); false when there is none. */
    async revokeToken(storeId: string, connectionId: string, tokenId: string, audit: AuditEntry): Promise<boolean> {
      return db.$transaction(async (tx) => {
        const found = await tx.mcpToken.findFirst({ where: { id: tokenId, storeId, connectionId }, select: { revokedAt: true } });
        if (!found) return false;
        if (!found.revokedAt) await tx.mcpToken.update({ where: { id: tokenId }, data: { revokedAt: new Date() } });
        await writeAudit(tx, { ...audit, storeId, resourceId: connectionId });
        return true;
      });
    },

    /** The token with this hash and its connection, whatever their state (the caller judges it). */
    async tokenByHash(hash: string): Promise<(TokenRow & { connection: ConnectionRow }) | null> {
      return db.mcpToken.findUnique({ where: { tokenHash: hash }, include: { connection: { include: withProvider } } });
    },

    async touchToken(id: string): Promise<void> {
      await db.mcpToken.updateMany({
        where: { id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(Date.now() - LAST_USED_EVERY_MS) } }] },
        data: { lastUsedAt: new Date() },
      });
    },
  };
}

export type ConnectionsRepo = ReturnType<typeof createConnectionsRepo>;
