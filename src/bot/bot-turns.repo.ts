// The bot's turns (bot_turns): the durable debounce and the record of every answer. A customer's
// message schedules its conversation's one pending turn (or moves it later); any process claims a
// due turn with FOR UPDATE SKIP LOCKED and a lease; a process that dies mid-turn leaves a lease
// that lapses and the next claimer takes it again. Every transition is written only while the
// claim still holds (same lease_until), so a turn that outlived its lease cannot overwrite a newer
// claim's work. A conversation's turns are answered one at a time (bot_turns_one_in_hand_key): a
// burst that arrives while an earlier one is being answered waits, pending, and that earlier turn
// steps aside for it (hasNewerPending) rather than answer half the conversation.
import { Prisma, type Db } from '../db/prisma.js';
import { writeNoEvents, type NamedEvent, type WriteEventsInTransaction } from '../events/committed-events.js';
import type { RecordedToolCall } from './bot-tool.js';

export interface ClaimedTurn {
  id: string;
  storeId: string;
  conversationId: string;
  contactId: string;
  slot: number;
  /** running (ask the model) or replying (the answer is kept: queue it again, never re-ask). */
  state: 'running' | 'replying';
  attempts: number;
  leaseUntil: Date;
  triggerMessageId: string;
  triggerAt: Date;
  firstAt: Date;
  replyText: string | null;
}

/** What a finished (or answered) turn keeps: why the bot said what it said. */
export interface TurnRecord {
  outcome: string;
  detail?: string | null;
  model?: string | null;
  promptTokens?: number;
  completionTokens?: number;
  cost?: number;
  promptVersion?: string;
  configRevision?: number;
  systemPromptHash?: string;
  contextMessageIds?: string[];
  snapshotId?: string | null;
  toolCalls?: RecordedToolCall[];
}

type Row = {
  id: string; store_id: string; conversation_id: string; contact_id: string; slot: number; state: 'running' | 'replying';
  attempts: number; lease_until: Date; trigger_message_id: string; trigger_at: Date; first_at: Date; reply_text: string | null;
};
const claimed = (r: Row): ClaimedTurn => ({
  id: r.id, storeId: r.store_id, conversationId: r.conversation_id, contactId: r.contact_id, slot: r.slot, state: r.state, attempts: r.attempts,
  leaseUntil: r.lease_until, triggerMessageId: r.trigger_message_id, triggerAt: r.trigger_at, firstAt: r.first_at, replyText: r.reply_text,
});

function recordData(r: TurnRecord): Prisma.BotTurnUpdateManyMutationInput {
  return {
    outcome: r.outcome,
    detail: r.detail ?? null,
    ...(r.model !== undefined ? { model: r.model } : {}),
    ...(r.promptTokens !== undefined ? { promptTokens: r.promptTokens, completionTokens: r.completionTokens ?? 0, cost: r.cost ?? 0 } : {}),
    ...(r.promptVersion ? { promptVersion: r.promptVersion, configRevision: r.configRevision, systemPromptHash: r.systemPromptHash } : {}),
    ...(r.contextMessageIds ? { contextMessageIds: r.contextMessageIds, snapshotId: r.snapshotId ?? null } : {}),
    ...(r.toolCalls ? { toolCalls: r.toolCalls as unknown as Prisma.InputJsonValue } : {}),
  };
}

export interface ScheduleInput { storeId: string; slot: number; waMessageId: string; debounceMs: number; capMs: number; newId: string }

/**
 * The CTEs `m` (the stored inbound message, in a thread) and `fresh` (it, unless a turn already
 * answered past it: a redelivery schedules nothing).
 */
function messageToAnswer({ storeId, slot, waMessageId }: Pick<ScheduleInput, 'storeId' | 'slot' | 'waMessageId'>): Prisma.Sql {
  return Prisma.sql`m AS (
      SELECT id, conversation_id, contact_id, created_at FROM messages
      WHERE store_id = ${storeId} AND slot = ${slot} AND direction = 'inbound' AND wa_message_id = ${waMessageId}
        AND conversation_id IS NOT NULL AND contact_id IS NOT NULL
    ), fresh AS (
      SELECT m.* FROM m WHERE NOT EXISTS (
        SELECT 1 FROM bot_turns t
        WHERE t.store_id = ${storeId} AND t.conversation_id = m.conversation_id AND t.state <> 'pending' AND t.trigger_at >= m.created_at
      )
    )`;
}

/** `writeEvents`: the webhook outbox, for the events a finished turn commits with (bot.replied). */
export function createBotTurnsRepo(db: Db, writeEvents: WriteEventsInTransaction = writeNoEvents) {
  const held = (t: ClaimedTurn) => ({ id: t.id, leaseUntil: t.leaseUntil });

  return {
    /**
     * The customer's message (stored, in its thread) joins its conversation's pending turn, which
     * falls due `debounceMs` after it (never later than `capMs` after the burst's first message);
     * a message some earlier turn already answered (a redelivery) schedules nothing. Null: nothing
     * scheduled (no such message, no thread, or already answered).
     */
    async schedule(input: ScheduleInput): Promise<{ id: string; dueAt: Date } | null> {
      const { storeId, slot, debounceMs, capMs, newId } = input;
      const rows = await db.$queryRaw<{ id: string; due_at: Date }[]>`
        WITH ${messageToAnswer(input)}
        INSERT INTO bot_turns (id, store_id, conversation_id, contact_id, slot, due_at, first_at, trigger_message_id, trigger_at, updated_at)
        SELECT ${newId}, ${storeId}, conversation_id, contact_id, ${slot}, now() + make_interval(secs => ${debounceMs}::float8 / 1000), now(), id, created_at, now()
        FROM fresh
        ON CONFLICT (store_id, conversation_id) WHERE state = 'pending' DO UPDATE SET
          due_at = LEAST(EXCLUDED.due_at, bot_turns.first_at + make_interval(secs => ${capMs}::float8 / 1000)),
          trigger_message_id = CASE WHEN EXCLUDED.trigger_at >= bot_turns.trigger_at THEN EXCLUDED.trigger_message_id ELSE bot_turns.trigger_message_id END,
          trigger_at = GREATEST(EXCLUDED.trigger_at, bot_turns.trigger_at),
          slot = EXCLUDED.slot,
          updated_at = now()
        RETURNING id, due_at`;
      return rows[0] ? { id: rows[0].id, dueAt: rows[0].due_at } : null;
    },

    /**
     * With no debounce: the message's turn written already claimed (held until `leaseUntil`), one
     * statement instead of a schedule and a claim. Null when the conversation has a turn pending or
     * in hand (then schedule() it, to wait its turn) or there is nothing to answer.
     */
    async scheduleClaimed(input: Omit<ScheduleInput, 'debounceMs' | 'capMs'>, leaseUntil: Date): Promise<ClaimedTurn | null> {
      const { storeId, slot, newId } = input;
      const rows = await db.$queryRaw<Row[]>`
        WITH ${messageToAnswer(input)}
        INSERT INTO bot_turns (id, store_id, conversation_id, contact_id, slot, state, attempts, lease_until, due_at, first_at, trigger_message_id, trigger_at, updated_at)
        SELECT ${newId}, ${storeId}, conversation_id, contact_id, ${slot}, 'running', 1, ${leaseUntil}, now(), now(), id, created_at, now()
        FROM fresh
        WHERE NOT EXISTS (
          SELECT 1 FROM bot_turns t WHERE t.store_id = ${storeId} AND t.conversation_id = fresh.conversation_id AND t.state IN ('pending', 'running', 'replying')
        )
        ON CONFLICT DO NOTHING
        RETURNING id, store_id, conversation_id, contact_id, slot, state, attempts, lease_until, trigger_message_id, trigger_at, first_at, reply_text`;
      return rows[0] ? claimed(rows[0]) : null;
    },

    /**
     * The oldest due turn (pending and due with no other turn of its conversation in hand, or
     * running/replying with a lapsed lease), held until `leaseUntil`. Two processes racing for one
     * conversation (this and a scheduleClaimed) meet at the unique index: the loser's statement
     * fails and it looks again later.
     */
    async claim(leaseUntil: Date): Promise<ClaimedTurn | null> {
      const rows = await db.$queryRaw<Row[]>`
        WITH due AS (
          SELECT id FROM bot_turns
          WHERE (state = 'pending' AND due_at <= now() AND NOT EXISTS (
              SELECT 1 FROM bot_turns h WHERE h.store_id = bot_turns.store_id AND h.conversation_id = bot_turns.conversation_id AND h.state IN ('running', 'replying')
            ))
            OR (state IN ('running', 'replying') AND lease_until < now())
          ORDER BY due_at LIMIT 1 FOR UPDATE SKIP LOCKED
        )
        UPDATE bot_turns t SET state = CASE WHEN t.state = 'replying' THEN 'replying' ELSE 'running' END,
          lease_until = ${leaseUntil}, attempts = t.attempts + 1, updated_at = now()
        FROM due WHERE t.id = due.id
        RETURNING t.id, t.store_id, t.conversation_id, t.contact_id, t.slot, t.state, t.attempts, t.lease_until, t.trigger_message_id, t.trigger_at, t.first_at, t.reply_text`;
      return rows[0] ? claimed(rows[0]) : null;
    },

    /** A newer burst is waiting in this conversation: its turn will answer everything. */
    async hasNewerPending(turn: ClaimedTurn): Promise<boolean> {
      return (await db.botTurn.count({ where: { storeId: turn.storeId, conversationId: turn.conversationId, state: 'pending' } })) > 0;
    },

    /** Back to pending at `at` for another try; superseded (skipped) when a newer burst is already pending. */
    async retryAt(turn: ClaimedTurn, at: Date, record: TurnRecord): Promise<'retrying' | 'superseded' | 'lost'> {
      try {
        const { count } = await db.botTurn.updateMany({ where: held(turn), data: { ...recordData(record), state: 'pending', dueAt: at, leaseUntil: null } });
        return count ? 'retrying' : 'lost';
      } catch (err) {
        if ((err as { code?: string }).code !== 'P2002') throw err;
        await this.finish(turn, 'skipped', { ...record, outcome: 'superseded', detail: `${record.outcome}: a newer message is being answered instead` });
        return 'superseded';
      }
    },

    /** The answer is decided: kept before it is queued, so a crash re-queues this text, never asks again. */
    async saveReply(turn: ClaimedTurn, replyText: string, record: TurnRecord): Promise<ClaimedTurn | null> {
      const { count } = await db.botTurn.updateMany({ where: held(turn), data: { ...recordData(record), state: 'replying', replyText } });
      return count ? { ...turn, state: 'replying', replyText } : null;
    },

    /** Finishes a turn still held; `events` (bot.replied) are written with it, only if it was. */
    async finish(turn: ClaimedTurn, state: 'replied' | 'skipped' | 'failed', record: TurnRecord, replyMessageIds: string[] = [], events: NamedEvent[] = []): Promise<boolean> {
      return db.$transaction(async (tx) => {
        const { count } = await tx.botTurn.updateMany({
          where: held(turn),
          data: { ...recordData(record), state, leaseUntil: null, finishedAt: new Date(), ...(replyMessageIds.length ? { replyMessageIds } : {}) },
        });
        if (count > 0) await writeEvents(tx, events);
        return count > 0;
      });
    },

    /** The owner answered on the phone: the burst waiting in that conversation is theirs now. */
    async skipPending(storeId: string, conversationId: string, outcome: string): Promise<number> {
      const { count } = await db.botTurn.updateMany({
        where: { storeId, conversationId, state: 'pending' },
        data: { state: 'skipped', outcome, finishedAt: new Date(), leaseUntil: null },
      });
      return count;
    },

    /** Replies this month (the usage route). */
    repliedBetween(storeId: string, from: Date, to: Date): Promise<number> {
      return db.botTurn.count({ where: { storeId, state: 'replied', finishedAt: { gte: from, lt: to } } });
    },
  };
}

export type BotTurnsRepo = ReturnType<typeof createBotTurnsRepo>;
