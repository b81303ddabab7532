// The home cards' counts, each one indexed query scoped by store.
import type { Db } from '../db/prisma.js';

export interface DayRange {
  from: Date;
  to: Date;
}

export function createSummaryRepo(db: Db) {
  return {
    async timezone(storeId: string): Promise<string> {
      const s = await db.storeSettings.findUnique({ where: { storeId }, select: { timezone: true } });
      return s?.timezone ?? 'America/Sao_Paulo';
    },

    async counts(storeId: string, today: DayRange) {
      const inDay = { gte: today.from, lt: today.to };
      const [appointments, open, unread, inbound, outbound] = await Promise.all([
        db.appointment.count({ where: { storeId, startsAt: inDay, status: { notIn: ['cancelled', 'no_show'] } } }),
        db.conversation.count({ where: { storeId, status: 'open' } }),
        db.conversation.aggregate({ where: { storeId, status: 'open' }, _sum: { unreadCount: true } }),
        db.message.count({ where: { storeId, direction: 'inbound', sentAt: inDay } }),
        db.message.count({ where: { storeId, direction: 'outbound', sentAt: inDay } }),
      ]);
      return { appointments, open, unread: unread._sum.unreadCount ?? 0, inbound, outbound };
    },
  };
}

export type SummaryRepo = ReturnType<typeof createSummaryRepo>;
