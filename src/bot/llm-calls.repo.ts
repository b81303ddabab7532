// The ledger of every LLM call a store's bot made (llm_calls): what the usage route sums, what the
// monthly budget is checked against, and where each OpenRouter error is counted.
import type { Db } from '../db/prisma.js';
import type { InstantRange } from '../kernel/index.js';
import type { LlmOutcome } from './llm-client.js';

export type LlmPurpose = 'reply' | 'snapshot' | 'transcription';

export interface MonthTotals {
  promptTokens: number;
  completionTokens: number;
  cost: number;
  /** Calls by result (ok, rate_limited, …). */
  calls: Record<string, number>;
}

/** Told of every call as it is recorded (the metrics). */
export type LlmCallObserver = (call: { model: string; purpose: LlmPurpose; result: string; promptTokens: number; completionTokens: number; cost: number; latencyMs: number }) => void;

export function createLlmCallsRepo(db: Db, observe?: LlmCallObserver) {
  return {
    /** One row per call, answered or not. */
    async record(storeId: string, purpose: LlmPurpose, outcome: LlmOutcome, turnId?: string): Promise<void> {
      const usage = outcome.usage ?? { promptTokens: 0, completionTokens: 0, cost: 0 };
      observe?.({ model: outcome.model, purpose, result: outcome.ok ? 'ok' : outcome.failure, ...usage, latencyMs: outcome.latencyMs });
      await db.llmCall.create({
        data: {
          storeId,
          purpose,
          model: outcome.model,
          result: outcome.ok ? 'ok' : outcome.failure,
          detail: outcome.ok ? null : outcome.detail,
          promptTokens: usage.promptTokens,
          completionTokens: usage.completionTokens,
          cost: usage.cost,
          latencyMs: Math.round(outcome.latencyMs),
          turnId: turnId ?? null,
        },
      });
    },

    async totals(storeId: string, range: InstantRange): Promise<MonthTotals> {
      const rows = await db.llmCall.groupBy({
        by: ['result'],
        where: { storeId, createdAt: { gte: range.from, lt: range.to } },
        _count: { _all: true },
        _sum: { promptTokens: true, completionTokens: true, cost: true },
      });
      const totals: MonthTotals = { promptTokens: 0, completionTokens: 0, cost: 0, calls: {} };
      for (const r of rows) {
        totals.promptTokens += r._sum.promptTokens ?? 0;
        totals.completionTokens += r._sum.completionTokens ?? 0;
        totals.cost += r._sum.cost ?? 0;
        totals.calls[r.result] = r._count._all;
      }
      return totals;
    },
  };
}

export type LlmCallsRepo = ReturnType<typeof createLlmCallsRepo>;
