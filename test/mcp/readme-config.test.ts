// The README's MCP client configurations, exactly as written: both JSON blocks of its "AI agents
// (MCP)" section are read from the file, their placeholders (the daemon's address, the token)
// filled in, and the SDK's client connects with what each says — the URL, and the Authorization
// header as mcp-remote (Claude Desktop) or a Streamable HTTP client (Claude Code, Cursor) sends it —
// to a daemon process started as main.ts runs.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { ADMIN_KEY, daemonEnv } from '../support/daemon-env.js';
import { spawnDaemon, type DaemonProcess } from '../support/daemon-process.js';
import { jsonRequest } from '../support/json-request.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { useSimulatorSuite } from '../wa-sim/simulator-suite.js';
import { mcpClient, structured } from './mcp-client.js';

const suite = useSimulatorSuite();
const PLACEHOLDER_URL = 'https://drin.example.com';
const PLACEHOLDER_TOKEN = 'drin_mcp_YOUR_TOKEN';
let db: TestDatabase;
let dir: string;
let daemon: DaemonProcess;

beforeAll(async () => {
  db = await createTestDatabase();
  dir = await mkdtemp(path.join(tmpdir(), 'drin-readme-mcp-'));
  daemon = await spawnDaemon(daemonEnv(suite.sim, db, dir, { LOG_LEVEL: 'info' }));
}, 180_000);
afterAll(async () => {
  await daemon?.stop();
  await db?.destroy();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The ```json blocks of the README's MCP section, in order. */
async function readmeConfigs(): Promise<any[]> {
  const readme = await readFile(path.resolve(import.meta.dirname, '../../README.md'), 'utf8');
  const start = readme.indexOf('### AI agents (MCP)');
  expect(start).toBeGreaterThan(-1);
  const section = readme.slice(start, readme.indexOf('\n## ', start));
  return [...section.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]!));
}

/** The URL and headers a client configured by one mcpServers entry sends. */
function connectionOf(server: any, token: string): { url: string; headers: Record<string, string> } {
  const fill = (s: string) => s.replace(PLACEHOLDER_URL, daemon.url).replace(PLACEHOLDER_TOKEN, token);
  if (server.url) return { url: fill(server.url), headers: Object.fromEntries(Object.entries(server.headers as Record<string, string>).map(([k, v]) => [k, fill(v)])) };
  // mcp-remote: `<url> --header Name:${VAR}`, the variable from the entry's env.
  const args: string[] = server.args;
  expect(server.command).toBe('npx');
  expect(args).toContain('mcp-remote');
  const url = args.find((a) => a.startsWith(PLACEHOLDER_URL))!;
  const header = args[args.indexOf('--header') + 1]!;
  const [name, value] = [header.slice(0, header.indexOf(':')), header.slice(header.indexOf(':') + 1)];
  const expanded = value.replace(/\$\{(\w+)\}/g, (_m, v: string) => fill(server.env[v]));
  return { url: fill(url), headers: { [name]: expanded } };
}

it('both of the README\'s client configurations reach the store they were made for', async () => {
  const configs = await readmeConfigs();
  expect(configs).toHaveLength(2);
  const store = await jsonRequest(daemon.url, 'POST', '/api/admin/stores', { key: ADMIN_KEY, body: { name: 'README store' } });
  expect(store.status).toBe(201);
  const { storeId, apiKey } = store.body;

  for (const config of configs) {
    const server = Object.values(config.mcpServers as Record<string, any>)[0];
    const provider = (server.url ?? server.args.find((a: string) => a.startsWith(PLACEHOLDER_URL))).split('/api/mcp/')[1];
    const connection = await jsonRequest(daemon.url, 'POST', `/api/client/${storeId}/connections`, { key: apiKey, body: { provider, name: `README ${provider}` } });
    expect(connection.status).toBe(201);
    const token = await jsonRequest(daemon.url, 'POST', `/api/client/${storeId}/connections/${connection.body.id}/tokens`, { key: apiKey, body: {} });
    const { url, headers } = connectionOf(server, token.body.token);
    expect(headers).toEqual({ Authorization: `Bearer ${token.body.token}` });

    const client = await mcpClient(url, '', { headers });
    const names = (await client.listTools()).tools.map((t) => t.name);
    if (provider === 'whatsapp') {
      expect(names).toEqual(expect.arrayContaining(['send_message', 'list_chats', 'session_status']));
      const status = structured<{ slots: unknown[] }>(await client.callTool({ name: 'session_status', arguments: {} }));
      expect(Array.isArray(status.slots)).toBe(true);
    } else {
      expect(provider).toBe('crm');
      const summary = structured<{ openConversationsCount: number }>(await client.callTool({ name: 'store_summary', arguments: {} }));
      expect(summary.openConversationsCount).toBe(0);
    }
    await client.close();
  }
  // The token reached no log line of the daemon.
  expect(daemon.output()).toContain('/api/mcp/');
  expect(daemon.output()).not.toMatch(/drin_mcp_[A-Za-z0-9_-]{20,}/);
});
