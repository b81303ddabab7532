// The home cards' conversation and message counts, each one indexed query scoped by store.
import type { Db } from '../db/prisma.js';

import { storeZone, type InstantRange } from '../kernel/index.js';

export function createSummaryRepo(db: Db) {
  return {
    async timezone(storeId: string): Promise<string> {
      const s = await db.storeSettings.findUnique({ where: { storeId }, select: { timezone: true } });
      return storeZone(s?.timezone);
    },

    async counts(storeId: string, today: InstantRange) {
      const inDay = { gte: today.from, lt: today.to };
      const [open, unread, inbound, outbound, botReplies] = await Promise.all([
        db.conversation.count({ where: { storeId, status: 'open' } }),
        db.conversation.aggregate({ where: { storeId, status: 'open' }, _sum: { unreadCount: true } }),
        db.message.count({ where: { storeId, direction: 'inbound', sentAt: inDay } }),
        db.message.count({ where: { storeId, direction: 'outbound', sentAt: inDay } }),
        // The bot's answers, however many messages each took.
        db.botTurn.count({ where: { storeId, state: 'replied', finishedAt: inDay } }),
      ]);
      return { open, unread: unread._sum.unreadCount ?? 0, inbound, outbound, botReplies };
    },
  };
}

export type SummaryRepo = ReturnType<typeof createSummaryRepo>;
