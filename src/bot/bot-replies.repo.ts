// The bot's turns as the owner reads them: what it answered (or why it stayed silent), with the
// exact context it was given — prompt version, config revision, the messages and the snapshot.
import type { Db, Prisma } from '../db/prisma.js';
import type { TTurn } from './bot.schemas.js';

type TurnRow = Prisma.BotTurnGetPayload<object>;

function view(t: TurnRow): TTurn {
  return {
    id: t.id,
    conversationId: t.conversationId,
    contactId: t.contactId,
    slot: t.slot,
    state: t.state,
    outcome: t.outcome,
    detail: t.detail,
    model: t.model,
    tokens: { prompt: t.promptTokens, completion: t.completionTokens },
    cost: t.cost,
    context: { promptVersion: t.promptVersion, configRevision: t.configRevision, systemPromptHash: t.systemPromptHash, messageIds: t.contextMessageIds, snapshotId: t.snapshotId },
    toolCalls: Array.isArray(t.toolCalls) ? t.toolCalls : [],
    replyText: t.replyText,
    replyMessageIds: t.replyMessageIds,
    triggerMessageId: t.triggerMessageId,
    attempts: t.attempts,
    createdAt: t.createdAt.toISOString(),
    finishedAt: t.finishedAt?.toISOString() ?? null,
  };
}

export function createBotRepliesRepo(db: Db) {
  return {
    async list(storeId: string, q: { contactId?: string; limit: number; before?: string }): Promise<TTurn[]> {
      const rows = await db.botTurn.findMany({
        where: { storeId, ...(q.contactId ? { contactId: q.contactId } : {}), ...(q.before ? { createdAt: { lt: new Date(q.before) } } : {}) },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: q.limit,
      });
      return rows.map(view);
    },

    async get(storeId: string, id: string): Promise<TTurn | null> {
      const t = await db.botTurn.findFirst({ where: { storeId, id } });
      return t && view(t);
    },
  };
}

export type BotRepliesRepo = ReturnType<typeof createBotRepliesRepo>;
