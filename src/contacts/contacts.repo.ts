// The store's contacts: the list (raw SQL: its search reads the generated columns Prisma cannot
// see), one contact with its channel identities, a lead created by hand, and an edit. Every
// statement is scoped by store_id.
import type pg from 'pg';
import type { Db } from '../db/prisma.js';
import { writeNoEvents, type NamedEvent, type WriteEventsInTransaction } from '../events/committed-events.js';
import { searchCondition, type SearchTerms } from './contacts-search.js';
import type { TCursor } from './contacts.schemas.js';

export interface ContactRow {
  id: string;
  name: string | null;
  pushName: string | null;
  phone: string | null;
  jidPn: string | null;
  jidLid: string | null;
  email: string | null;
  notes: string | null;
  tags: string[];
  optOut: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface IdentityRow {
  id: string;
  channel: string;
  handle: string;
  createdAt: Date;
}

export interface ContactFilters {
  search?: SearchTerms;
  tag?: string;
  optOut?: boolean;
  activeSince?: Date;
}

export interface NewContact {
  name: string;
  phone: string | null;
  jidPn: string | null;
  email: string | null;
  notes: string | null;
  tags: string[];
  optOut: boolean;
}

/** What PATCH may change. */
export type ContactEdit = Partial<Pick<ContactRow, 'name' | 'tags' | 'notes' | 'email' | 'optOut'>>;

export const CONTACT_FIELDS = {
  id: true, name: true, pushName: true, phone: true, jidPn: true, jidLid: true,
  email: true, notes: true, tags: true, optOut: true, createdAt: true, updatedAt: true,
} as const;

const LIST_COLUMNS = `c.id, c.name, c.push_name AS "pushName", c.phone, c.jid_pn AS "jidPn", c.jid_lid AS "jidLid", c.email, c.notes,
  c.tags, c.opt_out AS "optOut", c.created_at AS "createdAt", c.updated_at AS "updatedAt"`;

const sameValue = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** `writeEvents`: the webhook outbox, written in each change's transaction; the events come back to be emitted on the bus. */
export function createContactsRepo(db: Db, pool: pg.Pool, writeEvents: WriteEventsInTransaction = writeNoEvents) {
  return {
    /** The country a number without +country code is read in (settings.default_country). */
    async defaultCountry(storeId: string): Promise<string> {
      const row = await db.storeSettings.findUnique({ where: { storeId }, select: { defaultCountry: true } });
      return row?.defaultCountry ?? 'BR';
    },

    /** Newest first by (created_at, id), after the cursor; one row more than `limit` tells a next page exists. */
    async list(storeId: string, filters: ContactFilters, limit: number, cursor: TCursor | undefined): Promise<ContactRow[]> {
      const values: unknown[] = [];
      const param = (value: unknown) => {
        values.push(value);
        return `$${values.length}`;
      };
      const where = [`c.store_id = ${param(storeId)}`];
      if (filters.search) where.push(searchCondition(filters.search, param));
      if (filters.tag !== undefined) where.push(`${param(filters.tag)} = ANY (c.tags)`);
      if (filters.optOut !== undefined) where.push(`c.opt_out = ${param(filters.optOut)}`);
      if (filters.activeSince) {
        where.push(`EXISTS (SELECT 1 FROM conversations v WHERE v.store_id = c.store_id AND v.contact_id = c.id AND v.last_message_at >= ${param(filters.activeSince)})`);
      }
      if (cursor) where.push(`(c.created_at, c.id) < (${param(cursor.at)}::timestamptz, ${param(cursor.id)}::text)`);
      const sql = `SELECT ${LIST_COLUMNS} FROM contacts c WHERE ${where.join(' AND ')} ORDER BY c.created_at DESC, c.id DESC LIMIT ${param(limit + 1)}`;
      return (await pool.query<ContactRow>(sql, values)).rows;
    },

    async find(storeId: string, id: string): Promise<(ContactRow & { identities: IdentityRow[] }) | null> {
      return db.contact.findUnique({
        where: { storeId_id: { storeId, id } },
        select: { ...CONTACT_FIELDS, identities: { orderBy: { createdAt: 'asc' }, select: { id: true, channel: true, handle: true, createdAt: true } } },
      });
    },

    /** The store's contact with this WhatsApp address (its PN or LID JID), or this E.164 phone. */
    async findByAddress(storeId: string, where: { jid?: string; phone?: string }): Promise<{ id: string } | null> {
      const or = [...(where.jid ? [{ jidPn: where.jid }, { jidLid: where.jid }] : []), ...(where.phone ? [{ phone: where.phone }] : [])];
      if (!or.length) return null;
      return db.contact.findFirst({ where: { storeId, OR: or }, orderBy: { createdAt: 'asc' }, select: { id: true } });
    },

    /** Another contact of the store already holding this number (as its phone or its WhatsApp address). */
    async findByPhone(storeId: string, phone: string, jidPn: string): Promise<Pick<ContactRow, 'id' | 'name' | 'pushName'> | null> {
      return db.contact.findFirst({
        where: { storeId, OR: [{ phone }, { jidPn }] },
        orderBy: { createdAt: 'asc' },
        select: { id: true, name: true, pushName: true },
      });
    },

    async create(storeId: string, data: NewContact): Promise<{ contact: ContactRow; events: NamedEvent[] }> {
      return db.$transaction(async (tx) => {
        const contact = await tx.contact.create({ data: { storeId, ...data }, select: CONTACT_FIELDS });
        const events: NamedEvent[] = [{ type: 'contact.created', event: { storeId, contactId: contact.id, source: 'api', at: new Date() } }];
        await writeEvents(tx, events);
        return { contact, events };
      });
    },

    /**
     * Writes the fields of `edit` that differ from the stored ones; null when the store has no
     * such contact. `fields` names what changed (nothing is written when nothing did).
     */
    async update(storeId: string, id: string, edit: ContactEdit): Promise<{ contact: ContactRow; fields: string[]; events: NamedEvent[] } | null> {
      return db.$transaction(async (tx) => {
        const current = await tx.contact.findUnique({ where: { storeId_id: { storeId, id } }, select: CONTACT_FIELDS });
        if (!current) return null;
        const changed = Object.fromEntries(Object.entries(edit).filter(([k, v]) => v !== undefined && !sameValue(current[k as keyof ContactEdit], v)));
        const fields = Object.keys(changed);
        if (!fields.length) return { contact: current, fields, events: [] };
        const contact = await tx.contact.update({ where: { storeId_id: { storeId, id } }, data: changed, select: CONTACT_FIELDS });
        const events: NamedEvent[] = [{ type: 'contact.updated', event: { storeId, contactId: id, fields, source: 'api', at: new Date() } }];
        await writeEvents(tx, events);
        return { contact, fields, events };
      });
    },
  };
}

export type ContactsRepo = ReturnType<typeof createContactsRepo>;
