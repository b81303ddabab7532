// A store's service connections and their MCP tokens: a connection's config and secret are
// checked against its provider's schemas before anything is written; a token is made here, shown
// once, and kept as a keyed hash. `resolveToken` is the endpoint's gate: a token names exactly one
// connection, hence one store — nothing an agent sends can point it at another.
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { AuditEntry } from '../audit/audit.repo.js';
import type { Prisma } from '../db/prisma.js';
import { AppError, ErrorCode } from '../kernel/index.js';
import { constantTimeEqual, generateCredential, hmacHex, lastFour } from '../security/secrets.js';
import type { ConnectionRow, ConnectionsRepo, ConnectionWrite, TokenRow } from './connections.repo.js';
import type { TConnection, TConnectionCreate, TConnectionUpdate, TToken, TTokenCreate } from './connections.schemas.js';
import type { McpProvider } from './provider.js';

/** Who made a change, for the audit row. */
export type ConnectionActor = Pick<AuditEntry, 'actor' | 'ip' | 'requestId' | 'userAgent'>;

/** What a valid token opens: its connection, with the config and secret its provider reads. */
export interface ResolvedConnection {
  storeId: string;
  connectionId: string;
  tokenId: string;
  provider: McpProvider<unknown, unknown, unknown>;
  config: unknown;
  secret: unknown;
}

/** Tokens read `drin_mcp_…`: a leaked one is recognisable in a scan. */
const TOKEN_PREFIX = 'drin_mcp';
const notFound = () => new AppError(ErrorCode.NOT_FOUND, 'Connection not found');

function issuesAt(field: string, error: z.ZodError) {
  return error.issues.map((i) => ({ path: [field, ...i.path.map((p) => (typeof p === 'symbol' ? String(p) : p))], message: i.message }));
}

function parsedBy<T>(schema: z.ZodType<T>, value: unknown, field: 'config' | 'secret', provider: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new AppError(ErrorCode.VALIDATION_FAILED, `The ${field} is not what the ${provider} provider takes`, issuesAt(field, parsed.error));
  return parsed.data;
}

export function connectionView(row: ConnectionRow): TConnection {
  return {
    id: row.id,
    provider: row.provider.key,
    name: row.name,
    status: row.status as TConnection['status'],
    config: row.configJson as Record<string, unknown>,
    secretFields: row.secretFields,
    mcpUrl: `/api/mcp/${row.provider.key}`,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function tokenView(t: TokenRow): TToken {
  return {
    id: t.id,
    label: t.label,
    last4: t.tokenLast4,
    expiresAt: t.expiresAt?.toISOString() ?? null,
    revokedAt: t.revokedAt?.toISOString() ?? null,
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
    createdAt: t.createdAt.toISOString(),
  };
}

/** What an audit row may say of a change: never the secret's values. */
function auditData(w: ConnectionWrite & { provider?: string }): Record<string, unknown> {
  const { secret, ...plain } = w;
  return { ...plain, ...(secret !== undefined ? { secret: secret ? { fields: Object.keys(secret).sort() } : null } : {}) };
}

export function createConnectionsService(deps: { repo: ConnectionsRepo; providers: ReadonlyMap<string, McpProvider<unknown, unknown, unknown>>; tokenPepper: Buffer }) {
  const { repo, providers } = deps;

  function providerOf(key: string): McpProvider<unknown, unknown, unknown> {
    const provider = providers.get(key);
    if (!provider) throw new AppError(ErrorCode.VALIDATION_FAILED, `No provider "${key}"`, [{ path: ['provider'], message: `must be one of ${[...providers.keys()].join(', ')}` }]);
    return provider;
  }

  async function owned(storeId: string, id: string): Promise<ConnectionRow> {
    const row = await repo.get(storeId, id);
    if (!row) throw notFound();
    return row;
  }

  return {
    /** The providers a connection may be made for. */
    providers() {
      return [...providers.values()].map((p) => ({ key: p.key, name: p.name, version: p.version }));
    },

    async create(storeId: string, body: TConnectionCreate, by: ConnectionActor): Promise<TConnection> {
      const provider = providerOf(body.provider);
      const config = parsedBy(provider.config, body.config, 'config', provider.key) as Prisma.InputJsonObject;
      const secret = parsedBy(provider.secret, body.secret ?? {}, 'secret', provider.key) as Record<string, unknown>;
      const write = { name: body.name, status: body.status, config, secret: Object.keys(secret).length ? secret : null };
      const id = randomUUID();
      const row = await repo.create(storeId, id, provider.key, write, { ...by, action: 'connection.created', resourceType: 'service_connection', data: auditData({ ...write, provider: provider.key }) as never });
      return connectionView(row);
    },

    async list(storeId: string): Promise<TConnection[]> {
      return (await repo.list(storeId)).map(connectionView);
    },

    async get(storeId: string, id: string): Promise<TConnection> {
      return connectionView(await owned(storeId, id));
    },

    async update(storeId: string, id: string, body: TConnectionUpdate, by: ConnectionActor): Promise<TConnection> {
      const provider = providerOf((await owned(storeId, id)).provider.key);
      const write: ConnectionWrite = {
        ...(body.name !== undefined ? { name: body.name } : {}),
        ...(body.status !== undefined ? { status: body.status } : {}),
        ...(body.config !== undefined ? { config: parsedBy(provider.config, body.config, 'config', provider.key) as Prisma.InputJsonObject } : {}),
      };
      if (body.secret !== undefined) {
        const secret = parsedBy(provider.secret, body.secret, 'secret', provider.key) as Record<string, unknown>;
        write.secret = Object.keys(secret).length ? secret : null;
      }
      const row = await repo.update(storeId, id, write, { ...by, action: 'connection.updated', resourceType: 'service_connection', data: { changed: auditData(write) } as never });
      if (!row) throw notFound();
      return connectionView(row);
    },

    async remove(storeId: string, id: string, by: ConnectionActor): Promise<void> {
      if (!(await repo.remove(storeId, id, { ...by, action: 'connection.deleted', resourceType: 'service_connection' }))) throw notFound();
    },

    async createToken(storeId: string, connectionId: string, body: TTokenCreate, by: ConnectionActor): Promise<TToken & { token: string }> {
      const expiresAt = body.expiresAt ? new Date(body.expiresAt) : undefined;
      if (expiresAt && expiresAt.getTime() <= Date.now()) {
        throw new AppError(ErrorCode.VALIDATION_FAILED, 'expiresAt is in the past', [{ path: ['expiresAt'], message: 'must be in the future' }]);
      }
      const token = generateCredential(TOKEN_PREFIX);
      const id = randomUUID();
      const row = await repo.createToken(
        storeId,
        connectionId,
        { id, hash: hmacHex(deps.tokenPepper, token), last4: lastFour(token), ...(body.label ? { label: body.label } : {}), ...(expiresAt ? { expiresAt } : {}) },
        { ...by, action: 'mcp_token.created', resourceType: 'service_connection', data: { tokenId: id, label: body.label ?? null, expiresAt: body.expiresAt ?? null } },
      );
      if (!row) throw notFound();
      return { ...tokenView(row), token };
    },

    async listTokens(storeId: string, connectionId: string): Promise<TToken[]> {
      await owned(storeId, connectionId);
      return (await repo.listTokens(storeId, connectionId)).map(tokenView);
    },

    async revokeToken(storeId: string, connectionId: string, tokenId: string, by: ConnectionActor): Promise<void> {
      const done = await repo.revokeToken(storeId, connectionId, tokenId, { ...by, action: 'mcp_token.revoked', resourceType: 'service_connection', data: { tokenId } });
      if (!done) throw new AppError(ErrorCode.NOT_FOUND, 'Token not found');
    },

    /**
     * The connection a bearer token opens on `/api/mcp/:provider`: 401 for no, an unknown, a
     * revoked or an expired token; 403 for a token of another provider's connection or of a
     * connection that is not active.
     */
    async resolveToken(token: string | undefined, providerKey: string): Promise<ResolvedConnection> {
      if (!token) throw new AppError(ErrorCode.UNAUTHORIZED, 'Missing Authorization: Bearer <token>');
      const hash = hmacHex(deps.tokenPepper, token);
      const row = await repo.tokenByHash(hash);
      if (!row || !constantTimeEqual(row.tokenHash, hash)) throw new AppError(ErrorCode.UNAUTHORIZED, 'Invalid MCP token');
      if (row.revokedAt) throw new AppError(ErrorCode.UNAUTHORIZED, 'This MCP token was revoked');
      if (row.expiresAt && row.expiresAt.getTime() <= Date.now()) throw new AppError(ErrorCode.UNAUTHORIZED, 'This MCP token has expired');
      const { connection } = row;
      if (connection.provider.key !== providerKey) throw new AppError(ErrorCode.FORBIDDEN, `This token is for the ${connection.provider.key} provider: use /api/mcp/${connection.provider.key}`);
      if (connection.status !== 'active') throw new AppError(ErrorCode.FORBIDDEN, `This connection is ${connection.status}: make it active to use its tokens`);
      const provider = providers.get(providerKey);
      if (!provider) throw new AppError(ErrorCode.NOT_FOUND, `No provider "${providerKey}"`);
      await repo.touchToken(row.id);
      return {
        storeId: row.storeId,
        connectionId: connection.id,
        tokenId: row.id,
        provider,
        // Written through the same schemas: a row that no longer parses (a provider's schema tightened) is a 500 with its cause logged.
        config: provider.config.parse(connection.configJson),
        secret: provider.secret.parse(repo.openSecret(connection)),
      };
    },
  };
}

export type ConnectionsService = ReturnType<typeof createConnectionsService>;
