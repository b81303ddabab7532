// The store's services in Postgres. Every statement is scoped by store_id; a list pages by
// (created_at, id), oldest first, so a page stays put while services are added.
import type { Db, Prisma } from '../db/prisma.js';
import type { TCursor } from './booking.schemas.js';

export interface ServiceRow {
  id: string;
  storeId: string;
  name: string;
  description: string | null;
  priceCents: number | null;
  currency: string;
  durationMinutes: number | null;
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export type ServiceFields = Partial<Pick<ServiceRow, 'name' | 'description' | 'priceCents' | 'currency' | 'durationMinutes' | 'active'>>;

/** What deleting a service came to. */
export type ServiceRemoval = { kind: 'deleted' } | { kind: 'missing' } | { kind: 'in_use'; appointments: number };

/** Prisma's code (P2003, P2025…) of a known request error, else undefined. */
const prismaCode = (err: unknown) => (typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'string' ? (err as { code: string }).code : undefined);

/** A refused delete: appointments still reference the row (the FK is NO ACTION; Prisma's P2003, SQLSTATE 23503). */
const isStillReferenced = (err: unknown) => prismaCode(err) === 'P2003';

export function createServicesRepo(db: Db) {
  return {
    create(storeId: string, fields: ServiceFields & { name: string }): Promise<ServiceRow> {
      return db.service.create({ data: { storeId, ...fields } });
    },

    find(storeId: string, id: string): Promise<ServiceRow | null> {
      return db.service.findUnique({ where: { storeId_id: { storeId, id } } });
    },

    async list(storeId: string, filter: { active?: boolean }, limit: number, cursor: TCursor | undefined): Promise<ServiceRow[]> {
      const where: Prisma.ServiceWhereInput = {
        storeId,
        ...(filter.active !== undefined ? { active: filter.active } : {}),
        ...(cursor ? { OR: [{ createdAt: { gt: cursor.at } }, { createdAt: cursor.at, id: { gt: cursor.id } }] } : {}),
      };
      return db.service.findMany({ where, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], take: limit + 1 });
    },

    async update(storeId: string, id: string, fields: ServiceFields): Promise<ServiceRow | null> {
      try {
        return await db.service.update({ where: { storeId_id: { storeId, id } }, data: fields });
      } catch (err) {
        if (prismaCode(err) === 'P2025') return null;
        throw err;
      }
    },

    /**
     * Deletes first and counts only when refused: the foreign key decides, so an appointment
     * booked at the same moment cannot slip between a check and the delete.
     */
    async remove(storeId: string, id: string): Promise<ServiceRemoval> {
      try {
        const { count } = await db.service.deleteMany({ where: { storeId, id } });
        return { kind: count ? 'deleted' : 'missing' };
      } catch (err) {
        if (!isStillReferenced(err)) throw err;
        return { kind: 'in_use', appointments: await db.appointment.count({ where: { storeId, serviceId: id } }) };
      }
    },
  };
}

export type ServicesRepo = ReturnType<typeof createServicesRepo>;
