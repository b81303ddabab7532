// What a tool the bot may call looks like (OpenAI-style tool calling, which OpenRouter passes to
// the models that support it). The turn worker offers the tools, validates each call's arguments
// with the tool's zod schema, runs it, and hands the result back to the model; a tool's refusal
// is a result the model words politely, never an exception out of the turn.
import { z } from 'zod';
import type { ChatCompletionTool } from 'openai/resources/chat/completions';

/** The conversation a tool acts in: it may touch this contact's records only. */
export interface ToolContext {
  storeId: string;
  contactId: string;
  conversationId: string;
  turnId: string;
  slot: number;
  now: Date;
  /**
   * The tool calls of this conversation's earlier turns (oldest first) — each turn ended with a
   * reply the customer has since answered — so a booking can require a proposal made earlier.
   */
  earlierCalls: RecordedToolCall[];
}

/** A tool call as a turn keeps it (bot_turns.tool_calls). */
export interface RecordedToolCall {
  turnId: string;
  name: string;
  arguments: unknown;
  /** `ok: false` with a reason when the tool refused or failed. */
  result: { ok: boolean; [k: string]: unknown };
  at: string;
}

export interface BotTool<S extends z.ZodType = z.ZodType> {
  name: string;
  description: string;
  parameters: S;
  /** Resolves to what the model is told; `{ ok: false, reason }` for a refusal it should explain. */
  run(args: z.output<S>, ctx: ToolContext): Promise<{ ok: boolean; [k: string]: unknown }>;
}

const declared = new WeakMap<BotTool, ChatCompletionTool>();

/** The tool as the chat completions API declares it (made once per tool: every turn sends it). */
export function toolDeclaration(tool: BotTool): ChatCompletionTool {
  let declaration = declared.get(tool);
  if (!declaration) {
    const { $schema: _schema, ...parameters } = z.toJSONSchema(tool.parameters, { target: 'draft-7' }) as Record<string, unknown>;
    declaration = { type: 'function', function: { name: tool.name, description: tool.description, parameters } };
    declared.set(tool, declaration);
  }
  return declaration;
}
