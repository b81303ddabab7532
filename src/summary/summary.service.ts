// The dashboard home: today's appointments, open conversations, unread messages, today's traffic.
import { DateTime } from 'luxon';
import type { BookingReads } from '../booking/index.js';
import { dayOf } from '../kernel/index.js';
import type { SummaryRepo } from './summary.repo.js';
import type { TSummary } from './summary.schemas.js';

export function createSummaryService(deps: { repo: SummaryRepo; appointments: Pick<BookingReads, 'appointmentsToday'>; now?: () => Date }) {
  const { repo, now = () => new Date() } = deps;
  return {
    async summary(storeId: string): Promise<TSummary> {
      const timezone = await repo.timezone(storeId);
      const at = now();
      // The store's day: local midnight to the next one (23 or 25 hours on a DST change).
      const today = dayOf(at, timezone);
      const [c, appointments] = await Promise.all([repo.counts(storeId, today), deps.appointments.appointmentsToday(storeId, at)]);
      return {
        day: DateTime.fromJSDate(today.from, { zone: timezone }).toISODate()!,
        timezone,
        appointmentsTodayCount: appointments,
        openConversationsCount: c.open,
        unreadInboundCount: c.unread,
        messagesInToday: c.inbound,
        messagesOutToday: c.outbound,
        botRepliesToday: c.botReplies,
      };
    },
  };
}

export type SummaryService = ReturnType<typeof createSummaryService>;
