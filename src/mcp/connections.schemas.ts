// The contract of a store's service connections (seed 000): a provider's connection with its
// config (plain JSON, checked by the provider's own schema) and secret (sealed, never shown back),
// and the MCP tokens that let an AI agent act through it.
import { z } from 'zod';
import { ZRowId, ZStoreId } from '../kernel/index.js';

export { ZStoreParams } from '../kernel/index.js';

export const ZConnectionParams = z.strictObject({ storeId: ZStoreId, id: ZRowId });
export const ZTokenParams = z.strictObject({ storeId: ZStoreId, id: ZRowId, tokenId: ZRowId });

export const ZConnectionStatus = z.enum(['active', 'inactive', 'error']).describe('only an active connection\'s tokens work');
const ZName = z.string().trim().min(1).max(120).regex(/^[^\u0000]*$/);
/** Any JSON object; the provider's schema decides what it must hold (a 400 names its issues). */
const ZJsonObject = z.record(z.string().max(64), z.unknown());

export const ZConnectionCreate = z.strictObject({
  provider: z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/).describe('a provider key: whatsapp, crm, wordpress'),
  name: ZName,
  status: ZConnectionStatus.default('active'),
  config: ZJsonObject.default({}).describe('non-secret settings, as the provider asks (wordpress: {siteUrl})'),
  secret: ZJsonObject.optional().describe('credentials, as the provider asks (wordpress: {username, applicationPassword}); kept encrypted, never shown back'),
});
export type TConnectionCreate = z.infer<typeof ZConnectionCreate>;

export const ZConnectionUpdate = z
  .strictObject({
    name: ZName.optional(),
    status: ZConnectionStatus.optional(),
    config: ZJsonObject.optional().describe('replaces the whole config'),
    secret: ZJsonObject.optional().describe('replaces the whole secret'),
  })
  .refine((u) => Object.values(u).some((v) => v !== undefined), { message: 'give at least one of name, status, config, secret' });
export type TConnectionUpdate = z.infer<typeof ZConnectionUpdate>;

export const ZConnection = z.object({
  id: z.string(),
  provider: z.string(),
  name: z.string(),
  status: ZConnectionStatus,
  config: z.record(z.string(), z.unknown()),
  secretFields: z.array(z.string()).describe('the secret\'s field names; its values are never shown'),
  mcpUrl: z.string().describe('the path an MCP client posts to, with a token of this connection'),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type TConnection = z.infer<typeof ZConnection>;
export const ZConnectionList = z.object({ connections: z.array(ZConnection) });

export const ZProvider = z.object({ key: z.string(), name: z.string(), version: z.string() });
export const ZProviderList = z.object({ providers: z.array(ZProvider) });

export const ZTokenCreate = z.strictObject({
  label: z.string().trim().min(1).max(120).regex(/^[^\u0000]*$/).optional(),
  expiresAt: z.iso.datetime({ offset: true }).optional().describe('after this the token is refused (401); none: until revoked'),
});
export type TTokenCreate = z.infer<typeof ZTokenCreate>;

export const ZToken = z.object({
  id: z.string(),
  label: z.string().nullable(),
  last4: z.string(),
  expiresAt: z.iso.datetime().nullable(),
  revokedAt: z.iso.datetime().nullable(),
  lastUsedAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
});
export type TToken = z.infer<typeof ZToken>;
export const ZTokenCreated = ZToken.extend({ token: z.string().describe('shown this once: only its hash is kept') });
export const ZTokenList = z.object({ tokens: z.array(ZToken) });
