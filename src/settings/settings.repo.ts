// The settings row of a store (one per store, made on the first change; until then, defaults).
import type { Db, Prisma } from '../db/prisma.js';
import type { TSettings } from './settings.schemas.js';

const SELECT = {
  timezone: true,
  workingHours: true,
  contactEmail: true,
  contactPhone: true,
  logoUrl: true,
  defaultCountry: true,
  allowOverlappingAppointments: true,
  historyDays: true,
} as const;

type Row = Prisma.StoreSettingsGetPayload<{ select: typeof SELECT }>;

const view = (r: Row): TSettings => ({ ...r, workingHours: (r.workingHours ?? {}) as TSettings['workingHours'] });

export function createSettingsRepo(db: Db) {
  return {
    /**
     * The store's settings, the schema's defaults where it never changed any. A store without a
     * row gets one holding the defaults (an upsert, which Postgres runs as INSERT … ON CONFLICT:
     * two first reads at once are safe), so the database stays the one source of defaults.
     */
    async read(storeId: string): Promise<TSettings> {
      return view(await db.storeSettings.upsert({ where: { storeId }, create: { storeId }, update: {}, select: SELECT }));
    },

    async update(storeId: string, data: Partial<Omit<TSettings, 'workingHours'>> & { workingHours?: Prisma.InputJsonValue }): Promise<TSettings> {
      return view(await db.storeSettings.upsert({ where: { storeId }, create: { ...data, storeId }, update: data, select: SELECT }));
    },
  };
}

export type SettingsRepo = ReturnType<typeof createSettingsRepo>;
