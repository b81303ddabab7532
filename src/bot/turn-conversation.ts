// One turn's exchange with the model: ask, run the tools it calls (each call validated with the
// tool's zod schema, its result handed back), ask again, until it answers with text. Every call
// is written to the ledger as it happens; a tool's failure is a result the model words, never a
// throw out of the turn.
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { Logger } from 'pino';
import { toolDeclaration, type BotTool, type RecordedToolCall, type ToolContext } from './bot-tool.js';
import type { LlmCallsRepo } from './llm-calls.repo.js';
import type { LlmClient, LlmFailure, LlmRequest, LlmToolCall } from './llm-client.js';

/** A model that keeps calling tools past this many rounds is stopped. */
const MAX_TOOL_ROUNDS = 5;

export interface ConversationUsage {
  promptTokens: number;
  completionTokens: number;
  cost: number;
}

export type ConversationResult =
  | { ok: true; text: string; model: string; usage: ConversationUsage; toolCalls: RecordedToolCall[] }
  | { ok: false; failure: LlmFailure; detail: string; retryAfterMs?: number; model: string; usage: ConversationUsage; toolCalls: RecordedToolCall[] };

export interface ConversationInput {
  request: Omit<LlmRequest, 'messages' | 'tools'>;
  messages: ChatCompletionMessageParam[];
  tools: BotTool[];
  context: ToolContext;
}

async function runTool(tools: BotTool[], call: LlmToolCall, context: ToolContext, log: Logger): Promise<RecordedToolCall> {
  const at = new Date().toISOString();
  const tool = tools.find((t) => t.name === call.name);
  let args: unknown = call.arguments;
  const record = (result: RecordedToolCall['result']): RecordedToolCall => ({ turnId: context.turnId, name: call.name, arguments: args, result, at });
  if (!tool) return record({ ok: false, reason: 'unknown_tool', message: `There is no tool named ${call.name}.` });
  try {
    args = call.arguments.trim() ? JSON.parse(call.arguments) : {};
  } catch {
    return record({ ok: false, reason: 'invalid_arguments', message: 'The arguments are not valid JSON.' });
  }
  const parsed = tool.parameters.safeParse(args);
  if (!parsed.success) {
    return record({ ok: false, reason: 'invalid_arguments', message: parsed.error.issues.map((i) => `${i.path.join('.') || 'arguments'}: ${i.message}`).join('; ') });
  }
  try {
    return record(await tool.run(parsed.data, context));
  } catch (err) {
    log.warn({ err, tool: call.name }, 'bot tool failed');
    return record({ ok: false, reason: 'error', message: 'The tool failed; tell the customer you could not do it now.' });
  }
}

export async function converse(input: ConversationInput, deps: { llm: LlmClient; calls: LlmCallsRepo; log: Logger }): Promise<ConversationResult> {
  const { llm, calls, log } = deps;
  const messages = [...input.messages];
  const usage: ConversationUsage = { promptTokens: 0, completionTokens: 0, cost: 0 };
  const toolCalls: RecordedToolCall[] = [];
  const declarations = input.tools.map(toolDeclaration);
  let model = input.request.model;
  for (let round = 0; round < MAX_TOOL_ROUNDS; round++) {
    const outcome = await llm.complete({ ...input.request, messages, tools: declarations });
    await calls.record(input.context.storeId, 'reply', outcome, input.context.turnId);
    model = outcome.model;
    if (outcome.usage) {
      usage.promptTokens += outcome.usage.promptTokens;
      usage.completionTokens += outcome.usage.completionTokens;
      usage.cost += outcome.usage.cost;
    }
    if (!outcome.ok) return { ok: false, failure: outcome.failure, detail: outcome.detail, retryAfterMs: outcome.retryAfterMs, model, usage, toolCalls };
    if (!outcome.toolCalls.length) return { ok: true, text: outcome.content!.trim(), model, usage, toolCalls };
    messages.push({
      role: 'assistant',
      content: outcome.content,
      tool_calls: outcome.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })),
    });
    for (const call of outcome.toolCalls) {
      const done = await runTool(input.tools, call, input.context, log);
      toolCalls.push(done);
      messages.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify(done.result) });
    }
  }
  return { ok: false, failure: 'bad_response', detail: `the model was still calling tools after ${MAX_TOOL_ROUNDS} rounds`, model, usage, toolCalls };
}
