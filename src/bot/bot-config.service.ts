// The bot's configuration: the /whatsapp-tools page's GET and PUT, and the effective values the
// reply path reads. A store that never saved one has the defaults (the table's). A PUT that
// changes nothing writes nothing; one that changes something bumps the revision and is audited
// with the fields' old and new values (nothing here is a secret).
import { LRUCache } from 'lru-cache';
import type { AuditEntry } from '../audit/audit.repo.js';
import type { BotConfigColumns, BotConfigRepo, BotConfigRow } from './bot-config.repo.js';
import type { TBotConfig, TBotConfigUpdate } from './bot.schemas.js';

/** What a store with no row gets: the column defaults of bot_configs, as the API names them. */
const DEFAULTS: Omit<TBotConfig, 'model' | 'updatedAt'> = {
  botName: null,
  storeType: null,
  basePrompt: null,
  forbidden: null,
  messageLimit: 30,
  contextTime: 60,
  botEnabled: true,
  fallbackModels: [],
  temperature: null,
  maxTokens: null,
  replyDebounceMs: 4000,
  hoursMode: 'always',
  closedMessage: null,
  handoffKeywords: [],
  handoffMessage: null,
  handoffPauseMinutes: 240,
  ownerReplyPauseMinutes: 30,
  repliesPerContactPerHour: 20,
  llmTimeoutMs: 30_000,
  monthlyTokenBudget: null,
  monthlyCostBudget: null,
  replyToGroups: false,
  voiceNoteReply: null,
  transcribeAudio: false,
  transcriptionModel: null,
  toolsEnabled: true,
  snapshotMessages: 50,
  revision: 0,
};

/** The API's names for the two columns named otherwise. */
const COLUMN: Partial<Record<keyof TBotConfigUpdate, keyof BotConfigColumns>> = { forbidden: 'forbiddenTopics', contextTime: 'contextTimeMinutes' };

/** How long the reply path may use a store's config read earlier (other processes' PUTs show after this). */
const CACHE_TTL_MS = 2_000;

export type AuditContext = Pick<AuditEntry, 'actor' | 'ip' | 'requestId'>;

/** Long texts (the base prompt) are cut in the audit row: it says what changed, not the whole text. */
function auditValue(v: unknown): unknown {
  return typeof v === 'string' && v.length > 200 ? `${v.slice(0, 200)}…` : v;
}

export function createBotConfigService(deps: { repo: BotConfigRepo; defaultModel: string }) {
  const { repo, defaultModel } = deps;
  const cache = new LRUCache<string, TBotConfig>({ max: 10_000, ttl: CACHE_TTL_MS });

  function view(row: BotConfigRow | null): TBotConfig {
    if (!row) return { ...DEFAULTS, model: defaultModel, updatedAt: null };
    const { storeId: _s, forbiddenTopics, contextTimeMinutes, model, updatedAt, ...rest } = row;
    return { ...rest, forbidden: forbiddenTopics, contextTime: contextTimeMinutes, model: model ?? defaultModel, hoursMode: rest.hoursMode as TBotConfig['hoursMode'], updatedAt: updatedAt.toISOString() };
  }

  async function get(storeId: string): Promise<TBotConfig> {
    const config = view(await repo.read(storeId));
    cache.set(storeId, config);
    return config;
  }

  return {
    get,

    /** For the reply path: a read at most a couple of seconds old. */
    async effective(storeId: string): Promise<TBotConfig> {
      return cache.get(storeId) ?? get(storeId);
    },

    /** Applies the fields given; the rest keep their values. */
    async update(storeId: string, patch: TBotConfigUpdate, audit: AuditContext): Promise<TBotConfig> {
      const current = view(await repo.read(storeId));
      const changes: Record<string, unknown> = {};
      const diff: Record<string, { from: unknown; to: unknown }> = {};
      for (const [field, value] of Object.entries(patch) as [keyof TBotConfigUpdate, unknown][]) {
        if (value === undefined || JSON.stringify(current[field]) === JSON.stringify(value)) continue;
        // The default model is kept as "the default", so changing OPENROUTER_MODEL moves the store too.
        changes[COLUMN[field] ?? field] = field === 'model' && value === defaultModel ? null : value;
        diff[field] = { from: auditValue(current[field]), to: auditValue(value) };
      }
      if (!Object.keys(changes).length) return current;
      const saved = view(await repo.save(storeId, changes as BotConfigColumns, { ...audit, data: { changed: diff } as never }));
      cache.set(storeId, saved);
      return saved;
    },
  };
}

export type BotConfigService = ReturnType<typeof createBotConfigService>;
