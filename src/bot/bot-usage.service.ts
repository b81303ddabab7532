// The month's bot usage (replies, tokens, cost, calls by result) in the store's time zone, the
// monthly budget it is checked against, and whether the bot would answer now — and if not, why.
import { monthOf } from '../kernel/index.js';
import type { BotConfigService } from './bot-config.service.js';
import type { BotTurnsRepo } from './bot-turns.repo.js';
import type { LlmCallsRepo, MonthTotals } from './llm-calls.repo.js';
import type { TBotConfig, TUsage } from './bot.schemas.js';

export function budgetExhausted(config: Pick<TBotConfig, 'monthlyTokenBudget' | 'monthlyCostBudget'>, totals: MonthTotals): boolean {
  const tokens = totals.promptTokens + totals.completionTokens;
  return (config.monthlyTokenBudget !== null && tokens >= config.monthlyTokenBudget) || (config.monthlyCostBudget !== null && totals.cost >= config.monthlyCostBudget);
}

export function createBotUsageService(deps: {
  configs: BotConfigService;
  calls: LlmCallsRepo;
  turns: BotTurnsRepo;
  timezoneOf: (storeId: string) => Promise<string>;
  llmConfigured: boolean;
}) {
  const { configs, calls, turns } = deps;

  return {

    async usage(storeId: string, now = new Date()): Promise<TUsage> {
      const config = await configs.get(storeId);
      const month = monthOf(now, await deps.timezoneOf(storeId));
      const [totals, replies] = await Promise.all([calls.totals(storeId, month), turns.repliedBetween(storeId, month.from, month.to)]);
      const exhausted = budgetExhausted(config, totals);
      const reasons: TUsage['reasons'] = [];
      if (!deps.llmConfigured) reasons.push({ code: 'no_api_key', message: 'OPENROUTER_API_KEY is not set on the daemon: the bot cannot ask a model' });
      if (!config.botEnabled) reasons.push({ code: 'bot_disabled', message: 'the bot is switched off (botEnabled: false)' });
      if (exhausted) reasons.push({ code: 'budget_exhausted', message: `this month’s budget is used up (${config.monthlyTokenBudget ?? '∞'} tokens, ${config.monthlyCostBudget ?? '∞'} USD): the bot is silent until next month or a higher budget` });
      return {
        month: month.label,
        replies,
        tokens: { prompt: totals.promptTokens, completion: totals.completionTokens, total: totals.promptTokens + totals.completionTokens },
        cost: Math.round(totals.cost * 1e6) / 1e6,
        calls: totals.calls,
        budget: { tokens: config.monthlyTokenBudget, cost: config.monthlyCostBudget, exhausted },
        canAnswer: reasons.length === 0,
        reasons,
      };
    },
  };
}

export type BotUsageService = ReturnType<typeof createBotUsageService>;
