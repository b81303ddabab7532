// The store's services: what can be booked, its price (integer minor units + ISO 4217 currency)
// and its length. A service appointments still use is never deleted, only deactivated: the
// appointments keep pointing at what was booked.
import { AppError, ErrorCode } from '../kernel/index.js';
import { encodeCursor, type TCursor, type TService, type TServiceCreate, type TServicePage, type TServicePatch } from './booking.schemas.js';
import type { ServiceRow, ServicesRepo } from './services.repo.js';

export function serviceView(s: ServiceRow): TService {
  return {
    id: s.id,
    name: s.name,
    description: s.description,
    priceCents: s.priceCents,
    currency: s.currency,
    durationMinutes: s.durationMinutes,
    active: s.active,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}

const notFound = () => new AppError(ErrorCode.NOT_FOUND, 'Service not found');

export function createServicesService(deps: { repo: ServicesRepo }) {
  const { repo } = deps;

  return {
    async create(storeId: string, body: TServiceCreate): Promise<TService> {
      return serviceView(await repo.create(storeId, body));
    },

    async get(storeId: string, id: string): Promise<TService> {
      const row = await repo.find(storeId, id);
      if (!row) throw notFound();
      return serviceView(row);
    },

    async list(storeId: string, query: { active?: boolean; limit: number; cursor?: TCursor }): Promise<TServicePage> {
      const rows = await repo.list(storeId, { active: query.active }, query.limit, query.cursor);
      const page = rows.slice(0, query.limit);
      const last = page[page.length - 1];
      return { data: page.map(serviceView), nextCursor: rows.length > query.limit && last ? encodeCursor(last.createdAt, null, last.id) : null };
    },

    async update(storeId: string, id: string, patch: TServicePatch): Promise<TService> {
      const row = await repo.update(storeId, id, patch);
      if (!row) throw notFound();
      return serviceView(row);
    },

    async remove(storeId: string, id: string): Promise<void> {
      const outcome = await repo.remove(storeId, id);
      if (outcome.kind === 'missing') throw notFound();
      if (outcome.kind === 'in_use') {
        const n = outcome.appointments;
        throw new AppError(
          ErrorCode.CONFLICT,
          `Service is used by ${n} appointment${n === 1 ? '' : 's'} and cannot be deleted; deactivate it instead (PATCH {"active": false})`,
          { appointments: n },
        );
      }
    },

    /** For booking: the store's service, or undefined. */
    find(storeId: string, id: string): Promise<ServiceRow | null> {
      return repo.find(storeId, id);
    },
  };
}

export type ServicesService = ReturnType<typeof createServicesService>;
