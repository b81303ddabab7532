// An AI agent's side of the MCP endpoint, as a store's developer would set one up: a connection
// made through the API, a token for it, and the official SDK's Client over real HTTP.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { expect } from '@jest/globals';
import type { jsonRequest, JsonRequestOptions } from '../support/json-request.js';

type Request = (method: string, path: string, opts?: JsonRequestOptions) => ReturnType<typeof jsonRequest>;

export interface McpSession {
  client: Client;
  token: string;
  connectionId: string;
  close(): Promise<void>;
}

/** An SDK client on `url` with `token` as its bearer (or as the legacy ?token= when `legacy`). */
export async function mcpClient(url: string, token: string, opts: { legacy?: boolean; headers?: Record<string, string> } = {}): Promise<Client> {
  const target = new URL(url);
  if (opts.legacy) target.searchParams.set('token', token);
  const headers = { ...(opts.legacy || !token ? {} : { authorization: `Bearer ${token}` }), ...opts.headers };
  const client = new Client({ name: 'drin-test-agent', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(target, { requestInit: { headers } }));
  return client;
}

/** Makes a connection of `provider` for the store, a token for it, and a client on /api/mcp/:provider. */
export async function connectMcp(
  baseUrl: string,
  request: Request,
  store: { storeId: string; apiKey: string },
  provider: string,
  connection: { name?: string; config?: unknown; secret?: unknown } = {},
): Promise<McpSession> {
  const made = await request('POST', `/api/client/${store.storeId}/connections`, { key: store.apiKey, body: { provider, name: connection.name ?? `${provider} for tests`, config: connection.config ?? {}, ...(connection.secret ? { secret: connection.secret } : {}) } });
  expect(made.status).toBe(201);
  const token = await request('POST', `/api/client/${store.storeId}/connections/${made.body.id}/tokens`, { key: store.apiKey, body: { label: 'tests' } });
  expect(token.status).toBe(201);
  const client = await mcpClient(`${baseUrl}/api/mcp/${provider}`, token.body.token);
  return { client, token: token.body.token, connectionId: made.body.id, close: () => client.close() };
}

/** A tool's structuredContent; fails the test (with the tool's text) when the call was an error. */
export function structured<T = any>(result: unknown): T {
  const r = result as CallToolResult;
  if (r.isError) throw new Error(`the tool answered an error: ${JSON.stringify(r.content)}`);
  // The text copy says the same as the structured content.
  expect(JSON.parse((r.content[0] as { text: string }).text)).toEqual(r.structuredContent);
  return r.structuredContent as T;
}

/** The text of an isError result; fails the test when the call succeeded. */
export function errorText(result: unknown): string {
  const r = result as CallToolResult;
  expect(r.isError).toBe(true);
  return (r.content as { type: string; text: string }[]).map((c) => c.text).join('\n');
}
