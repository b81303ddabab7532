// The webhooks table: a store's registrations. The signing secret and the extra headers are
// sealed (AES-256-GCM under SECRETS_KEY; AAD = the hook's id, so a value moved onto another row
// does not open); every change is audited in its own transaction.
import { writeAudit, type AuditEntry } from '../audit/audit.repo.js';
import { Prisma, type Db } from '../db/prisma.js';
import { openBytes, sealToBytes, type Keyring } from '../security/secret-box.js';
import { lastFour } from '../security/secrets.js';

export type WebhookRow = Prisma.WebhookGetPayload<object>;

const secretAad = (id: string) => `webhooks.secret\u0000${id}`;
const headersAad = (id: string) => `webhooks.headers\u0000${id}`;

export interface WebhookWrite {
  url?: string;
  events?: string[];
  secret?: string;
  /** null: none. */
  headers?: Record<string, string> | null;
  active?: boolean;
  description?: string | null;
  retryBaseMs?: number;
  retryMaxAgeMinutes?: number;
  /** Only this slot's events; null: all. */
  slot?: number | null;
  payloadFormat?: 'standard' | 'evolution';
  /** What the format needs; never a secret (stored in the clear). */
  formatOptions?: Record<string, unknown> | null;
}

export function createWebhooksRepo(db: Db, keyring: Keyring) {
  function sealed(id: string, w: WebhookWrite): Prisma.WebhookUncheckedUpdateInput {
    const { secret, headers, formatOptions, ...plain } = w;
    return {
      ...plain,
      ...(formatOptions !== undefined ? { formatOptions: formatOptions === null ? Prisma.DbNull : (formatOptions as Prisma.InputJsonObject) } : {}),
      ...(secret !== undefined ? { secretSealed: sealToBytes(keyring, secret, secretAad(id)), secretLast4: lastFour(secret) } : {}),
      ...(headers !== undefined
        ? { headersSealed: headers && Object.keys(headers).length ? sealToBytes(keyring, JSON.stringify(headers), headersAad(id)) : null, headerNames: headers ? Object.keys(headers) : [] }
        : {}),
    };
  }

  return {
    async create(storeId: string, id: string, w: WebhookWrite & { url: string; events: string[]; secret: string }, audit: AuditEntry): Promise<WebhookRow> {
      return db.$transaction(async (tx) => {
        const row = await tx.webhook.create({ data: { ...(sealed(id, w) as Prisma.WebhookUncheckedCreateInput), id, storeId } });
        await writeAudit(tx, { ...audit, storeId, resourceId: id });
        return row;
      });
    },

    /**
     * Creates the hook under `id`, or changes it (its secret kept) if it exists: for a hook a
     * compatibility API keeps under a fixed id, so two calls at once still leave one row.
     */
    async put(storeId: string, id: string, w: WebhookWrite & { url: string; events: string[] }, newSecret: string, audit: AuditEntry): Promise<WebhookRow> {
      return db.$transaction(async (tx) => {
        const row = await tx.webhook.upsert({
          where: { storeId_id: { storeId, id } },
          create: { ...(sealed(id, { ...w, secret: newSecret }) as Prisma.WebhookUncheckedCreateInput), id, storeId },
          update: sealed(id, w) as Prisma.WebhookUncheckedUpdateInput,
        });
        await writeAudit(tx, { ...audit, storeId, resourceId: id });
        return row;
      });
    },

    get(storeId: string, id: string): Promise<WebhookRow | null> {
      return db.webhook.findUnique({ where: { storeId_id: { storeId, id } } });
    },

    list(storeId: string): Promise<WebhookRow[]> {
      return db.webhook.findMany({ where: { storeId }, orderBy: { createdAt: 'asc' } });
    },

    async update(storeId: string, id: string, w: WebhookWrite, audit: AuditEntry): Promise<WebhookRow | null> {
      return db.$transaction(async (tx) => {
        const { count } = await tx.webhook.updateMany({ where: { storeId, id }, data: sealed(id, w) as Prisma.WebhookUpdateManyMutationInput });
        if (!count) return null;
        await writeAudit(tx, { ...audit, storeId, resourceId: id });
        return tx.webhook.findUniqueOrThrow({ where: { id } });
      });
    },

    async remove(storeId: string, id: string, audit: AuditEntry): Promise<boolean> {
      return db.$transaction(async (tx) => {
        const { count } = await tx.webhook.deleteMany({ where: { storeId, id } });
        if (count) await writeAudit(tx, { ...audit, storeId, resourceId: id });
        return count > 0;
      });
    },

    /** The same secret and headers sealed again under the current key (the rotation pass). */
    reseal(row: { id: string; secretSealed: Uint8Array; headersSealed: Uint8Array | null }): { secretSealed: Uint8Array<ArrayBuffer>; headersSealed: Uint8Array<ArrayBuffer> | null } {
      const { secret, headers } = this.openSecrets(row);
      return {
        secretSealed: sealToBytes(keyring, secret, secretAad(row.id)),
        headersSealed: row.headersSealed ? sealToBytes(keyring, JSON.stringify(headers), headersAad(row.id)) : null,
      };
    },

    /** The secret and headers to sign and send with. */
    openSecrets(row: { id: string; secretSealed: Uint8Array; headersSealed: Uint8Array | null }): { secret: string; headers: Record<string, string> } {
      return {
        secret: openBytes(keyring, row.secretSealed, secretAad(row.id)),
        headers: row.headersSealed ? (JSON.parse(openBytes(keyring, row.headersSealed, headersAad(row.id))) as Record<string, string>) : {},
      };
    },
  };
}

export type WebhooksRepo = ReturnType<typeof createWebhooksRepo>;
