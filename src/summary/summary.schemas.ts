import { z } from 'zod';

/** The dashboard home's cards; "today" is the store's calendar day in its time zone. */
export const ZSummary = z.object({
  day: z.string().describe('today in the store’s time zone, YYYY-MM-DD'),
  timezone: z.string(),
  appointmentsTodayCount: z.number().int().describe('appointments starting today, cancelled and no-shows excluded'),
  openConversationsCount: z.number().int(),
  unreadInboundCount: z.number().int().describe('unread messages across the open conversations'),
  messagesInToday: z.number().int(),
  messagesOutToday: z.number().int(),
  botRepliesToday: z.number().int().describe('answers the bot gave today (a long one sent in parts counts once)'),
});
export type TSummary = z.infer<typeof ZSummary>;
