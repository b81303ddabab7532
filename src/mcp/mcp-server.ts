// One MCP server for one request (stateless Streamable HTTP: the SDK refuses to reuse a server or
// transport across requests): the resolved connection's provider tools, each call audited and its
// outcome shaped the MCP way — structuredContent plus a JSON text copy, or an isError result an
// agent can read. Arguments that fail a tool's schema come back as isError from the SDK itself.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from 'pino';
import type { AuditEntry } from '../audit/audit.repo.js';
import { AppError } from '../kernel/index.js';
import type { ResolvedConnection } from './connections.service.js';
import type { McpTool } from './provider.js';

export interface McpCallContext {
  services: unknown;
  log: Logger;
  audit: (entry: AuditEntry) => Promise<void>;
  /** The HTTP request's audit fields (ip, user agent, request id). */
  request: Pick<AuditEntry, 'ip' | 'userAgent' | 'requestId'>;
}

/** An audit row keeps what was asked, not whole documents: long strings are cut. */
const MAX_AUDITED_STRING = 500;
function auditedArguments(args: unknown): unknown {
  return JSON.parse(JSON.stringify(args ?? {}, (_key, value: unknown) => (typeof value === 'string' && value.length > MAX_AUDITED_STRING ? `${value.slice(0, MAX_AUDITED_STRING)}…` : value)));
}

function failure(text: string): CallToolResult {
  return { isError: true, content: [{ type: 'text', text }] };
}

export function buildMcpServer(connection: ResolvedConnection, ctx: McpCallContext): McpServer {
  const { provider } = connection;
  const log = ctx.log.child({ storeId: connection.storeId, connectionId: connection.connectionId, provider: provider.key });
  const server = new McpServer({ name: `drin-${provider.key}`, version: provider.version });
  const tools = provider.tools({ storeId: connection.storeId, connectionId: connection.connectionId, config: connection.config, secret: connection.secret, services: ctx.services, log });
  for (const tool of tools) {
    server.registerTool(
      tool.name,
      { title: tool.title, description: tool.description, inputSchema: tool.input, outputSchema: tool.output, annotations: { title: tool.title, ...tool.hints } },
      async (args: unknown) => call(tool, args),
    );
  }

  async function call(tool: McpTool, args: unknown): Promise<CallToolResult> {
    let result: CallToolResult;
    let outcome: { ok: boolean; error?: string };
    try {
      const output = (await tool.run(args as never)) as Record<string, unknown>;
      result = { content: [{ type: 'text', text: JSON.stringify(output) }], structuredContent: output };
      outcome = { ok: true };
    } catch (err) {
      // A refusal (4xx, with its details) or an unavailable site (503) is the agent's to read; anything else is ours.
      if (err instanceof AppError && (err.status < 500 || err.status === 503)) {
        result = failure(err.status < 500 && err.details ? `${err.message}: ${JSON.stringify(err.details)}` : err.message);
        outcome = { ok: false, error: err.code };
      } else {
        log.error({ err, tool: tool.name }, 'MCP tool failed');
        result = failure(`The tool failed inside the daemon (request ${ctx.request.requestId ?? 'unknown'}); the operator's log has the cause`);
        outcome = { ok: false, error: 'INTERNAL' };
      }
    }
    // The call happened whatever its audit row does: a failed write is the operator's to see, not the agent's.
    await ctx.audit({
      ...ctx.request,
      storeId: connection.storeId,
      actor: 'mcp',
      action: 'mcp.tool_call',
      resourceType: 'service_connection',
      resourceId: connection.connectionId,
      data: { provider: provider.key, tool: tool.name, tokenId: connection.tokenId, arguments: auditedArguments(args), ...outcome } as never,
    }).catch((err: unknown) => log.error({ err, tool: tool.name }, 'recording an MCP tool call in the audit failed'));
    return result;
  }

  return server;
}
