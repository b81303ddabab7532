// The bot's contract: its configuration as the dashboard's /whatsapp-tools page reads and writes
// it (a flat object; PUT takes back exactly what GET gave, read-only fields ignored), the month's
// usage, a contact's pause, and the record of a reply.
import { z } from 'zod';
import { ZRowId, ZStoreId } from '../kernel/index.js';

export { ZStoreParams, ZStoreRowParams } from '../kernel/index.js';

export const HOURS_MODES = ['always', 'open_only', 'closed_only'] as const;

/** Text Postgres would refuse (NUL) or store altered (an unpaired surrogate). */
const BROKEN = /[\u0000\p{Cs}]/u;
const text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((v) => !BROKEN.test(v), 'must not contain NUL characters or broken Unicode');
/** A text the form may send empty: "" and null both mean "not set". */
const optionalText = (max: number) =>
  text(max)
    .nullable()
    .transform((v) => (v === null || v.trim() === '' ? null : v.trim()));

/** An OpenRouter model id: `vendor/model`, optionally with a `:variant`. */
const ZModelId = z.string().regex(/^[a-z0-9][a-z0-9._-]*\/[a-z0-9][a-z0-9._:-]*$/i, 'must be an OpenRouter model id like openai/gpt-4o-mini').max(120);

const editable = {
  botName: optionalText(60).describe('the name the bot introduces itself by'),
  storeType: optionalText(60).describe('pizzaria, clínica, salão…'),
  basePrompt: optionalText(8000).describe('the store’s own instructions to the bot'),
  forbidden: optionalText(2000).describe('topics the bot must decline, one per line or comma-separated'),
  messageLimit: z.number().int().min(1).max(200).describe('at most this many messages of the chat go to the model'),
  contextTime: z.number().int().min(1).max(10_080).describe('minutes: only messages this recent go to the model'),
  botEnabled: z.boolean(),
  model: ZModelId.describe('the OpenRouter model (default: OPENROUTER_MODEL); it must support tool calling for the booking tools'),
  fallbackModels: z.array(ZModelId).max(3).describe('tried in order when the model fails'),
  temperature: z.number().min(0).max(2).nullable(),
  maxTokens: z.number().int().min(16).max(8192).nullable(),
  replyDebounceMs: z.number().int().min(0).max(120_000).describe('wait this long after a customer’s last message, so a burst gets one answer'),
  hoursMode: z.enum(HOURS_MODES).describe('always; open_only (only while the store is open); closed_only (only while it is closed)'),
  closedMessage: optionalText(1000).describe('open_only: sent outside the working hours instead of an answer (null: silence)'),
  handoffKeywords: z.array(text(60).trim().min(1)).max(20).describe('a customer message containing one pauses the bot for that chat (bot.handoff)'),
  handoffMessage: optionalText(1000).describe('sent to the customer when the bot hands off (null: nothing)'),
  handoffPauseMinutes: z.number().int().min(1).max(43_200),
  ownerReplyPauseMinutes: z.number().int().min(1).max(43_200).describe('the bot stays silent in a chat this long after the owner writes in it from the phone'),
  repliesPerContactPerHour: z.number().int().min(1).max(1000),
  llmTimeoutMs: z.number().int().min(1000).max(120_000),
  monthlyTokenBudget: z.number().int().min(1).nullable().describe('tokens per calendar month (store time zone); then the bot is silent'),
  monthlyCostBudget: z.number().positive().max(1_000_000).nullable().describe('USD per calendar month, as OpenRouter bills it; then the bot is silent'),
  replyToGroups: z.boolean(),
  voiceNoteReply: optionalText(1000).describe('the answer to a voice note when transcription is off (null: the built-in one)'),
  transcribeAudio: z.boolean().describe('transcribe voice notes with an audio-capable model'),
  transcriptionModel: ZModelId.nullable().describe('the audio-capable model (null: the bot’s model)'),
  toolsEnabled: z.boolean().describe('the booking tools: services, free times, book, cancel, hand off'),
  snapshotMessages: z.number().int().min(5).max(500).describe('messages an AI context snapshot summarizes'),
};

export const ZBotConfig = z.object({
  botName: z.string().nullable(),
  storeType: z.string().nullable(),
  basePrompt: z.string().nullable(),
  forbidden: z.string().nullable(),
  closedMessage: z.string().nullable(),
  handoffMessage: z.string().nullable(),
  voiceNoteReply: z.string().nullable(),
  messageLimit: z.number().int(),
  contextTime: z.number().int(),
  botEnabled: z.boolean(),
  model: z.string(),
  fallbackModels: z.array(z.string()),
  temperature: z.number().nullable(),
  maxTokens: z.number().int().nullable(),
  replyDebounceMs: z.number().int(),
  hoursMode: z.enum(HOURS_MODES),
  handoffKeywords: z.array(z.string()),
  handoffPauseMinutes: z.number().int(),
  ownerReplyPauseMinutes: z.number().int(),
  repliesPerContactPerHour: z.number().int(),
  llmTimeoutMs: z.number().int(),
  monthlyTokenBudget: z.number().int().nullable(),
  monthlyCostBudget: z.number().nullable(),
  replyToGroups: z.boolean(),
  transcribeAudio: z.boolean(),
  transcriptionModel: z.string().nullable(),
  toolsEnabled: z.boolean(),
  snapshotMessages: z.number().int(),
  revision: z.number().int().describe('read-only: counts the changes; a reply records the revision it was built from'),
  updatedAt: z.iso.datetime().nullable().describe('read-only; null: never saved (these are the defaults)'),
});
export type TBotConfig = z.infer<typeof ZBotConfig>;

/** Fields GET shows that a PUT may carry back and that are ignored. */
const READ_ONLY = ['revision', 'updatedAt', 'storeId'] as const;

/**
 * PUT's body: any of the editable fields (the rest keep their values), plus GET's read-only ones,
 * accepted and ignored so the dashboard can send back what it read. Anything else is a 400.
 */
export const ZBotConfigUpdate = z
  .strictObject({
    ...Object.fromEntries(Object.entries(editable).map(([k, v]) => [k, (v as z.ZodType).optional()])),
    ...Object.fromEntries(READ_ONLY.map((k) => [k, z.unknown().optional()])),
  } as { [K in keyof typeof editable]: z.ZodOptional<(typeof editable)[K]> } & Record<(typeof READ_ONLY)[number], z.ZodOptional<z.ZodUnknown>>)
  // An empty change is a client's mistake (a lost body, a form post), not a no-op to approve.
  .refine((body) => Object.keys(editable).some((k) => (body as Record<string, unknown>)[k] !== undefined), { message: 'give at least one configuration field' })
  .transform((body) => {
    const out: Record<string, unknown> = { ...body };
    for (const k of READ_ONLY) delete out[k];
    return out as { [K in keyof typeof editable]?: z.output<(typeof editable)[K]> };
  });
export type TBotConfigUpdate = z.output<typeof ZBotConfigUpdate>;

export const ZUsage = z.object({
  month: z.string().describe('YYYY-MM in the store’s time zone'),
  replies: z.number().int().describe('replies the bot sent this month'),
  tokens: z.object({ prompt: z.number().int(), completion: z.number().int(), total: z.number().int() }),
  cost: z.number().describe('USD this month, as OpenRouter reported it'),
  calls: z.record(z.string(), z.number().int()).describe('LLM calls this month by result: ok, rate_limited, out_of_credits, server_error, timeout, bad_response, error'),
  budget: z.object({ tokens: z.number().int().nullable(), cost: z.number().nullable(), exhausted: z.boolean() }),
  canAnswer: z.boolean().describe('whether the bot would answer a customer now'),
  reasons: z.array(z.object({ code: z.string(), message: z.string() })).describe('why it would not, if it would not'),
});
export type TUsage = z.infer<typeof ZUsage>;

export const ZPauseBody = z.strictObject({ minutes: z.number().int().min(1).max(43_200).describe('how long the bot stays silent in the contact’s chats') });
export const ZPause = z.object({ contactId: z.string(), paused: z.boolean(), until: z.iso.datetime().nullable(), reason: z.string().nullable() });
export type TPause = z.infer<typeof ZPause>;

export const ZTurnQuery = z.strictObject({
  contactId: ZRowId.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(30),
  before: z.iso.datetime().optional().describe('only turns made before this instant (the previous page’s last createdAt)'),
});

export const ZTurn = z.object({
  id: z.string(),
  conversationId: z.string(),
  contactId: z.string(),
  slot: z.number().int(),
  state: z.string().describe('pending, running, replying, replied, skipped or failed'),
  outcome: z.string().nullable().describe('why it ended as it did (replied, paused, budget_exhausted, rate_limited…)'),
  detail: z.string().nullable(),
  model: z.string().nullable(),
  tokens: z.object({ prompt: z.number().int().nullable(), completion: z.number().int().nullable() }),
  cost: z.number().nullable(),
  context: z.object({
    promptVersion: z.string().nullable(),
    configRevision: z.number().int().nullable(),
    systemPromptHash: z.string().nullable(),
    messageIds: z.array(z.string()).describe('the messages the model was given, oldest first'),
    snapshotId: z.string().nullable(),
  }),
  toolCalls: z.array(z.unknown()),
  replyText: z.string().nullable(),
  replyMessageIds: z.array(z.string()),
  triggerMessageId: z.string(),
  attempts: z.number().int(),
  createdAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
});
export type TTurn = z.infer<typeof ZTurn>;

export const ZStoreContactParams = z.strictObject({ storeId: ZStoreId, id: ZRowId });
