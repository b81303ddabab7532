// What an MCP provider is: a key (`whatsapp`, `crm`, `wordpress`), the zod schemas of a
// connection's config (non-secret JSON) and secret (sealed at rest), and the tools it serves for
// one connection. The endpoint (mcp.routes.ts) builds a fresh MCP server per request from these;
// a provider only says what its tools take, answer and do, through the daemon services it is given.
import type { Logger } from 'pino';
import type { z } from 'zod';

/** Honest hints for an agent's user: does the tool change anything, can it destroy, may it be repeated. */
export interface ToolHints {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  /** True when it talks to a world outside the store's data (WhatsApp contacts, a WordPress site). */
  openWorldHint: boolean;
}

/**
 * One tool. `input` and `output` are zod objects: the SDK validates the arguments against `input`
 * (a failure is an `isError` result), and what `run` answers must match `output` (it is sent as
 * `structuredContent`, with a JSON text copy). `run` throws an AppError for a refusal the agent
 * should read (its message is the result's text); anything else is an internal failure, logged.
 */
export interface McpTool<I extends z.ZodObject = z.ZodObject, O extends z.ZodObject = z.ZodObject> {
  name: string;
  title: string;
  description: string;
  input: I;
  output: O;
  hints: ToolHints;
  run(args: z.infer<I>): Promise<z.infer<O>>;
}

/** Keeps the types of one tool's input and output tied to its `run`. */
export function defineTool<I extends z.ZodObject, O extends z.ZodObject>(tool: McpTool<I, O>): McpTool {
  return tool as unknown as McpTool;
}

/** One request's view of the connection its token resolved to. */
export interface ProviderCall<Config, Secret, Services> {
  storeId: string;
  connectionId: string;
  config: Config;
  secret: Secret;
  services: Services;
  log: Logger;
}

export interface McpProvider<Config = unknown, Secret = unknown, Services = unknown> {
  /** service_providers.key and the `:provider` of /api/mcp/:provider. */
  key: string;
  name: string;
  version: string;
  /** A connection's config_json: validated on every write, shown back by GET. */
  config: z.ZodType<Config>;
  /** What a connection's secret holds (sealed; never shown back). */
  secret: z.ZodType<Secret>;
  tools(call: ProviderCall<Config, Secret, Services>): McpTool[];
}
