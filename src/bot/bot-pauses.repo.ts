// When the bot stays silent in a contact's chats (bot_pauses): the owner answered on the phone, the
// customer asked for a person, or the dashboard paused it. And the two message lookups the bot's
// subscribers need to tell a customer's message and the owner's from the rest.
import type { Db } from '../db/prisma.js';
import { writeNoEvents, type NamedEvent, type WriteEventsInTransaction } from '../events/committed-events.js';

export type PauseReason = 'owner_reply' | 'handoff_keyword' | 'handoff_tool' | 'api';

/** `writeEvents`: the webhook outbox, for a hand-off's bot.handoff, written with the pause. */
export function createBotPausesRepo(db: Db, writeEvents: WriteEventsInTransaction = writeNoEvents) {
  return {
    async pausedUntil(storeId: string, contactId: string, now: Date): Promise<{ until: Date; reason: string } | null> {
      const p = await db.botPause.findUnique({ where: { storeId_contactId: { storeId, contactId } }, select: { until: true, reason: true } });
      return p && p.until > now ? p : null;
    },

    /**
     * Pauses until `until` (a later pause already in place is kept), with the events `eventsOf`
     * makes of the pause in place (a hand-off's) written in the same transaction. Answers the
     * pause in place and those events, to emit after the commit.
     */
    async pause(
      storeId: string, contactId: string, until: Date, reason: PauseReason,
      eventsOf: (kept: { until: Date; reason: string }) => NamedEvent[] = () => [],
    ): Promise<{ until: Date; reason: string; events: NamedEvent[] }> {
      return db.$transaction(async (tx) => {
        const [kept] = await tx.$queryRaw<Array<{ until: Date; reason: string }>>`
          INSERT INTO bot_pauses (store_id, contact_id, until, reason) VALUES (${storeId}, ${contactId}, ${until}, ${reason})
          ON CONFLICT (store_id, contact_id) DO UPDATE SET
            reason = CASE WHEN EXCLUDED.until >= bot_pauses.until OR bot_pauses.until < now() THEN EXCLUDED.reason ELSE bot_pauses.reason END,
            until = CASE WHEN bot_pauses.until < now() THEN EXCLUDED.until ELSE GREATEST(EXCLUDED.until, bot_pauses.until) END,
            created_at = now()
          RETURNING until, reason`;
        const events = eventsOf(kept!);
        await writeEvents(tx, events);
        return { ...kept!, events };
      });
    },

    /** Replaces any pause (the dashboard sets exactly this one). */
    async setPause(storeId: string, contactId: string, until: Date): Promise<void> {
      await db.botPause.upsert({ where: { storeId_contactId: { storeId, contactId } }, create: { storeId, contactId, until, reason: 'api' }, update: { until, reason: 'api', createdAt: new Date() } });
    },

    async resume(storeId: string, contactId: string): Promise<void> {
      await db.botPause.deleteMany({ where: { storeId, contactId } });
    },

    contactExists(storeId: string, contactId: string): Promise<boolean> {
      return db.contact.count({ where: { storeId, id: contactId } }).then((n) => n > 0);
    },

    /** A message of the store's number typed on the phone (not one the daemon sent), once stored. */
    phoneTyped(storeId: string, slot: number, waMessageId: string) {
      return db.message.findFirst({
        where: { storeId, slot, direction: 'outbound', waMessageId, metadata: { path: ['origin'], equals: 'phone' }, contactId: { not: null } },
        select: { contactId: true, conversationId: true },
      });
    },

    /** A customer's stored message. */
    storedInbound(storeId: string, slot: number, waMessageId: string) {
      return db.message.findFirst({
        where: { storeId, slot, direction: 'inbound', waMessageId },
        select: { id: true, contactId: true, conversationId: true, remoteJid: true },
      });
    },
  };
}

export type BotPausesRepo = ReturnType<typeof createBotPausesRepo>;
