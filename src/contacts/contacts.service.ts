// The rules of the store's contacts: a phone is kept in E.164 with its WhatsApp address, and one
// number belongs to one contact; a merge makes two contacts one. Each change's events are written
// with it (the webhook outbox, by the repos) and announced on the bus after it committed.
import { emitCommitted } from '../events/committed-events.js';
import type { DomainEventBus } from '../events/event-bus.js';
import { AppError, ErrorCode } from '../kernel/index.js';
import { searchTerms } from './contacts-search.js';
import type { ContactMergeRepo } from './contact-merge.repo.js';
import type { ContactProfileRepo } from './contact-profile.repo.js';
import type { ContactRow, ContactsRepo, IdentityRow } from './contacts.repo.js';
import {
  encodeCursor,
  type TContactDetail,
  type TContactPage,
  type TContactProfile,
  type TContactsQuery,
  type TContactView,
  type TCreateContactBody,
  type TUpdateContactBody,
} from './contacts.schemas.js';
import { normalizePhone } from './phone.js';

export function toContactView(c: ContactRow): TContactView {
  return {
    id: c.id,
    name: c.name,
    pushName: c.pushName,
    phone: c.phone,
    jidPn: c.jidPn,
    jidLid: c.jidLid,
    email: c.email,
    notes: c.notes,
    tags: c.tags,
    optOut: c.optOut,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

const toDetail = (c: ContactRow & { identities: IdentityRow[] }): TContactDetail => ({
  ...toContactView(c),
  identities: c.identities.map((i) => ({ id: i.id, channel: i.channel, handle: i.handle, createdAt: i.createdAt.toISOString() })),
});

const notFound = () => new AppError(ErrorCode.NOT_FOUND, 'Contact not found');

export function createContactsService(deps: { repo: ContactsRepo; merges: ContactMergeRepo; profiles: ContactProfileRepo; bus: DomainEventBus }) {
  const { repo, bus } = deps;

  async function detail(storeId: string, id: string): Promise<TContactDetail> {
    const contact = await repo.find(storeId, id);
    if (!contact) throw notFound();
    return toDetail(contact);
  }

  return {
    async list(storeId: string, q: TContactsQuery): Promise<TContactPage> {
      const search = q.search ? searchTerms(q.search, await repo.defaultCountry(storeId)) : undefined;
      const filters = { search, tag: q.tag, optOut: q.optOut, activeSince: q.activeSince ? new Date(q.activeSince) : undefined };
      const rows = await repo.list(storeId, filters, q.limit, q.cursor);
      const page = rows.slice(0, q.limit);
      const last = page[page.length - 1];
      return { data: page.map(toContactView), nextCursor: rows.length > q.limit && last ? encodeCursor(last.createdAt, null, last.id) : null };
    },

    get: detail,

    /**
     * The contact of a phone number in any format (read in the store's country) or a WhatsApp
     * address (digits@s.whatsapp.net or digits@lid), or null; a number that is no number is a 400.
     */
    async findByAddress(storeId: string, address: string): Promise<TContactDetail | null> {
      const where = address.includes('@') ? { jid: address } : (({ e164, jidPn }) => ({ phone: e164, jid: jidPn }))(normalizePhone(address, await repo.defaultCountry(storeId)));
      const found = await repo.findByAddress(storeId, where);
      return found ? detail(storeId, found.id) : null;
    },

    /** A lead entered by hand. A number another contact of the store has is a 409 naming that contact. */
    async create(storeId: string, body: TCreateContactBody): Promise<TContactDetail> {
      const phone = body.phone ? normalizePhone(body.phone, await repo.defaultCountry(storeId)) : null;
      if (phone) {
        const holder = await repo.findByPhone(storeId, phone.e164, phone.jidPn);
        if (holder) {
          const who = holder.name ?? holder.pushName ?? 'unnamed';
          throw new AppError(ErrorCode.CONFLICT, `Contact ${holder.id} (${who}) already has the phone ${phone.e164}`, { contactId: holder.id });
        }
      }
      const created = await repo.create(storeId, {
        name: body.name,
        phone: phone?.e164 ?? null,
        jidPn: phone?.jidPn ?? null,
        email: body.email ?? null,
        notes: body.notes ?? null,
        tags: body.tags ?? [],
        optOut: body.optOut ?? false,
      });
      emitCommitted(bus, created.events);
      return { ...toContactView(created.contact), identities: [] };
    },

    async update(storeId: string, id: string, edit: TUpdateContactBody): Promise<TContactDetail> {
      const outcome = await repo.update(storeId, id, edit);
      if (!outcome) throw notFound();
      emitCommitted(bus, outcome.events);
      return detail(storeId, id);
    },

    /** Merges `otherId` into `id` (which keeps its own fields); the other is deleted. */
    async merge(storeId: string, id: string, otherId: string): Promise<TContactDetail> {
      if (id === otherId) throw new AppError(ErrorCode.BAD_REQUEST, 'A contact cannot be merged with itself');
      const outcome = await deps.merges.merge(storeId, id, otherId);
      if (!outcome) throw notFound();
      emitCommitted(bus, outcome.events);
      return detail(storeId, id);
    },

    async profile(storeId: string, id: string): Promise<TContactProfile> {
      const contact = await detail(storeId, id);
      return { contact, ...(await deps.profiles.parts(storeId, id, new Date())) };
    },
  };
}

export type ContactsService = ReturnType<typeof createContactsService>;
