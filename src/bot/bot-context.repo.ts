// What a turn reads to build its prompt: the conversation's recent messages, the contact, the
// store's facts (name, settings, services with prices), the contact's latest AI snapshot, and the
// tool calls of the conversation's earlier turns. All scoped by the store.
import type { Db } from '../db/prisma.js';
import { storeZone, type InstantRange } from '../kernel/index.js';
import type { RecordedToolCall } from './bot-tool.js';
import type { MonthTotals } from './llm-calls.repo.js';

export interface WindowMessage {
  id: string;
  direction: 'inbound' | 'outbound';
  type: string;
  text: string | null;
  metadata: Record<string, unknown>;
  sentAt: Date;
  createdAt: Date;
  remoteJid: string;
}

export interface StoreFacts {
  name: string;
  timezone: string | null;
  workingHours: unknown;
  contactPhone: string | null;
  contactEmail: string | null;
  services: Array<{ id: string; name: string; description: string | null; priceCents: number | null; currency: string; durationMinutes: number | null }>;
}

export interface SnapshotFacts {
  id: string;
  summary: string;
  flags: Record<string, unknown>;
  createdAt: Date;
}

export interface TurnReads {
  pause: { until: Date; reason: string } | null;
  contact: { id: string; optOut: boolean } | null;
  spent: MonthTotals;
  recentReplies: number;
  window: WindowMessage[];
  answeredUpTo: Date | null;
  snapshot: SnapshotFacts | null;
  earlierCalls: RecordedToolCall[];
}

type Json<T> = { [K in keyof T]: T[K] extends Date ? string : T[K] };
interface TurnReadsRow {
  pause: { until: string; reason: string } | null;
  contact: { id: string; optOut: boolean } | null;
  spent: { promptTokens: number | string; completionTokens: number | string; cost: number | string };
  recent_replies: number;
  window: Json<WindowMessage>[];
  answered_up_to: Date | null;
  snapshot: Json<SnapshotFacts> | null;
  earlier_calls: RecordedToolCall[][];
}

export function createBotContextRepo(db: Db) {
  return {
    /** A voice note's downloaded bytes (the media worker fetches them after the message is stored). */
    async audioOf(storeId: string, messageId: string) {
      const m = await db.messageMedia.findFirst({ where: { storeId, messageId }, select: { status: true, data: true, mimetype: true } });
      if (!m) return { state: 'unavailable' as const };
      if (m.status === 'pending' || m.status === 'downloading') return { state: 'pending' as const };
      if (m.status !== 'stored' || !m.data) return { state: 'unavailable' as const };
      return { state: 'stored' as const, bytes: Buffer.from(m.data), mimetype: m.mimetype };
    },

    /** Kept on the message (metadata.transcript), so no later turn transcribes it again. */
    async saveTranscript(storeId: string, messageId: string, transcript: string): Promise<void> {
      await db.$executeRaw`UPDATE messages SET metadata = metadata || jsonb_build_object('transcript', ${transcript}::text), updated_at = now() WHERE store_id = ${storeId} AND id = ${messageId}`;
    },

    /** The address a customer's message came from: the reply goes back to it. */
    async messageJid(storeId: string, messageId: string): Promise<string | null> {
      const m = await db.message.findFirst({ where: { storeId, id: messageId }, select: { remoteJid: true } });
      return m?.remoteJid ?? null;
    },

    /**
     * Everything a turn reads after the store's facts, in one statement: the contact's pause and
     * opt-out, the month's LLM spend, the contact's replies in the last hour, the chat window (the
     * newest `limit` messages sent since `since` and stored by the turn's trigger, oldest first),
     * when the previous answered burst ended, the latest snapshot, and the tool calls of the last
     * ten answered turns. One round trip instead of eight: the bot's latency is mostly round trips.
     */
    async turnReads(q: { storeId: string; contactId: string; conversationId: string; turnId: string; upTo: Date; since: Date; limit: number; month: InstantRange; hourAgo: Date }): Promise<TurnReads> {
      const { storeId, contactId, conversationId, turnId } = q;
      const [row] = await db.$queryRaw<TurnReadsRow[]>`
        SELECT
          (SELECT json_build_object('until', p.until, 'reason', p.reason) FROM bot_pauses p
            WHERE p.store_id = ${storeId} AND p.contact_id = ${contactId} AND p.until > now()) AS pause,
          (SELECT json_build_object('id', c.id, 'optOut', c.opt_out) FROM contacts c WHERE c.store_id = ${storeId} AND c.id = ${contactId}) AS contact,
          (SELECT json_build_object('promptTokens', coalesce(sum(l.prompt_tokens), 0), 'completionTokens', coalesce(sum(l.completion_tokens), 0), 'cost', coalesce(sum(l.cost), 0))
            FROM llm_calls l WHERE l.store_id = ${storeId} AND l.created_at >= ${q.month.from} AND l.created_at < ${q.month.to}) AS spent,
          (SELECT count(*)::int FROM bot_turns t
            WHERE t.store_id = ${storeId} AND t.contact_id = ${contactId} AND t.state = 'replied' AND t.finished_at >= ${q.hourAgo}) AS recent_replies,
          (SELECT coalesce(json_agg(w ORDER BY w."sentAt", w."createdAt", w.id), '[]'::json) FROM (
            SELECT m.id, m.direction, m.type, m.text, m.metadata, m.sent_at AS "sentAt", m.created_at AS "createdAt", m.remote_jid AS "remoteJid"
            FROM messages m WHERE m.store_id = ${storeId} AND m.conversation_id = ${conversationId} AND m.created_at <= ${q.upTo} AND m.sent_at >= ${q.since}
            ORDER BY m.sent_at DESC, m.created_at DESC, m.id DESC LIMIT ${q.limit}) w) AS window,
          (SELECT max(t.trigger_at) FROM bot_turns t WHERE t.store_id = ${storeId} AND t.conversation_id = ${conversationId} AND t.id <> ${turnId}
            AND t.state IN ('replied', 'skipped', 'failed', 'replying', 'running')) AS answered_up_to,
          (SELECT json_build_object('id', s.id, 'summary', s.summary, 'flags', s.flags, 'createdAt', s.created_at) FROM ai_context_snapshots s
            WHERE s.store_id = ${storeId} AND s.contact_id = ${contactId} ORDER BY s.created_at DESC, s.id DESC LIMIT 1) AS snapshot,
          (SELECT coalesce(json_agg(e.tool_calls ORDER BY e.trigger_at), '[]'::json) FROM (
            SELECT t.tool_calls, t.trigger_at FROM bot_turns t WHERE t.store_id = ${storeId} AND t.conversation_id = ${conversationId} AND t.id <> ${turnId} AND t.state = 'replied'
            ORDER BY t.trigger_at DESC LIMIT 10) e) AS earlier_calls`;
      const r = row!;
      return {
        pause: r.pause && { until: new Date(r.pause.until), reason: r.pause.reason },
        contact: r.contact,
        spent: { promptTokens: Number(r.spent.promptTokens), completionTokens: Number(r.spent.completionTokens), cost: Number(r.spent.cost), calls: {} },
        recentReplies: r.recent_replies,
        window: r.window.map((m) => ({ ...m, sentAt: new Date(m.sentAt), createdAt: new Date(m.createdAt), metadata: m.metadata ?? {} })),
        answeredUpTo: r.answered_up_to,
        snapshot: r.snapshot && { ...r.snapshot, flags: r.snapshot.flags ?? {}, createdAt: new Date(r.snapshot.createdAt) },
        earlierCalls: r.earlier_calls.flatMap((calls) => (Array.isArray(calls) ? calls : [])),
      };
    },

    /** The store's time zone (the default when it has no settings, or one the zone database lost). */
    async timezone(storeId: string): Promise<string> {
      const s = await db.storeSettings.findUnique({ where: { storeId }, select: { timezone: true } });
      return storeZone(s?.timezone);
    },

    async storeFacts(storeId: string): Promise<StoreFacts> {
      const [store, settings, services] = await Promise.all([
        db.store.findUniqueOrThrow({ where: { id: storeId }, select: { name: true } }),
        db.storeSettings.findUnique({ where: { storeId }, select: { timezone: true, workingHours: true, contactPhone: true, contactEmail: true } }),
        db.service.findMany({
          where: { storeId, active: true },
          orderBy: [{ name: 'asc' }, { id: 'asc' }],
          take: 100,
          select: { id: true, name: true, description: true, priceCents: true, currency: true, durationMinutes: true },
        }),
      ]);
      return {
        name: store.name,
        timezone: settings?.timezone ?? null,
        workingHours: settings?.workingHours ?? {},
        contactPhone: settings?.contactPhone ?? null,
        contactEmail: settings?.contactEmail ?? null,
        services,
      };
    },

  };
}

export type BotContextRepo = ReturnType<typeof createBotContextRepo>;
