// The dashboard home: today's appointments, open conversations, unread messages, today's traffic.
import { DateTime } from 'luxon';
import type { SummaryRepo } from './summary.repo.js';
import type { TSummary } from './summary.schemas.js';

export function createSummaryService(deps: { repo: SummaryRepo; now?: () => Date }) {
  const { repo, now = () => new Date() } = deps;
  return {
    async summary(storeId: string): Promise<TSummary> {
      const timezone = await repo.timezone(storeId);
      // The store's day: local midnight to the next one (23 or 25 hours on a DST change).
      const start = DateTime.fromJSDate(now(), { zone: timezone }).startOf('day');
      const c = await repo.counts(storeId, { from: start.toJSDate(), to: start.plus({ days: 1 }).toJSDate() });
      return {
        day: start.toISODate()!,
        timezone,
        appointmentsTodayCount: c.appointments,
        openConversationsCount: c.open,
        unreadInboundCount: c.unread,
        messagesInToday: c.inbound,
        messagesOutToday: c.outbound,
        botRepliesToday: null,
      };
    },
  };
}

export type SummaryService = ReturnType<typeof createSummaryService>;
