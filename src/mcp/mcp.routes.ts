// The MCP endpoint: `POST /api/mcp/:provider` (and the seed's `POST /api/mcp?provider=`), MCP
// Streamable HTTP, stateless — a new server and transport per request, so any daemon process
// serves any call. The bearer token (or the seed's legacy `?token=`, redacted from every log line)
// resolves the connection, hence the store. A browser's Origin must be one we allow (the spec's
// DNS-rebinding guard): 403 otherwise. GET (a server-sent stream) and DELETE (a session's end)
// mean nothing without sessions: 405.
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { AuditEntry } from '../audit/audit.repo.js';
import { auditContext } from '../http/auth.js';
import { bearerToken } from '../http/bearer.js';
import type { OpenApiRegistry } from '../http/openapi.js';
import { parseParams, parseQuery } from '../http/validate.js';
import { AppError, ErrorCode } from '../kernel/index.js';
import type { ConnectionsService } from './connections.service.js';
import { buildMcpServer } from './mcp-server.js';

const ZProviderKey = z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, 'must be a provider key');
const ZProviderParams = z.strictObject({ provider: ZProviderKey });
/** The seed's legacy form; other query parameters are an MCP client's own business. */
const ZLegacyQuery = z.object({ provider: ZProviderKey.optional(), token: z.string().min(1).max(256).optional() });
const ZJsonRpcBody = z.unknown().describe('one MCP JSON-RPC message (or a batch): initialize, tools/list, tools/call…');

export interface McpRouterDeps {
  connections: ConnectionsService;
  services: unknown;
  audit: (entry: AuditEntry) => Promise<void>;
  /** Origins a browser-based MCP client may call from (the dashboard's, MCP_ALLOWED_ORIGINS). */
  allowedOrigins: readonly string[];
  openapi: OpenApiRegistry;
}

export function mcpRouter(deps: McpRouterDeps): Router {
  const router = Router();
  const tag = 'mcp';
  const allowed = new Set(deps.allowedOrigins);

  const checkOrigin: RequestHandler = (req, _res, next) => {
    const origin = req.headers.origin;
    if (origin !== undefined && !allowed.has(origin)) throw new AppError(ErrorCode.FORBIDDEN, 'This Origin may not call the MCP endpoint (MCP_ALLOWED_ORIGINS)');
    next();
  };

  const serve = (providerOf: (req: Parameters<RequestHandler>[0]) => string): RequestHandler => async (req, res) => {
    const provider = providerOf(req);
    const legacy = parseQuery(ZLegacyQuery, req);
    const connection = await deps.connections.resolveToken(bearerToken(req) ?? legacy.token, provider);
    req.log = req.log.child({ storeId: connection.storeId, connectionId: connection.connectionId, provider });
    const request = auditContext(req, 'store');
    const server = buildMcpServer(connection, { services: deps.services, log: req.log, audit: deps.audit, request: { ip: request.ip, userAgent: request.userAgent, requestId: request.requestId } });
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  };

  const notAllowed: RequestHandler = (_req, res) => {
    res.set('Allow', 'POST');
    throw new AppError(ErrorCode.METHOD_NOT_ALLOWED, 'The MCP endpoint is stateless: POST one JSON-RPC message per request');
  };

  openapi(deps.openapi, tag);
  router.post('/api/mcp/:provider', checkOrigin, serve((req) => parseParams(ZProviderParams, req).provider));
  router.post('/api/mcp', checkOrigin, serve((req) => {
    const { provider } = parseQuery(ZLegacyQuery, req);
    if (!provider) throw new AppError(ErrorCode.VALIDATION_FAILED, 'Name the provider: /api/mcp/:provider or ?provider=', [{ path: ['provider'], message: 'required' }]);
    return provider;
  }));
  router.get(['/api/mcp', '/api/mcp/:provider'], notAllowed);
  router.delete(['/api/mcp', '/api/mcp/:provider'], notAllowed);
  return router;
}

function openapi(registry: OpenApiRegistry, tag: string): void {
  registry.add({
    method: 'post',
    path: '/api/mcp/:provider',
    summary: 'MCP Streamable HTTP (stateless) for one provider (whatsapp, crm, wordpress); Authorization: Bearer <a connection\'s token>',
    tag,
    auth: 'mcp',
    params: ZProviderParams,
    body: ZJsonRpcBody,
    responses: { 200: z.unknown().describe('the JSON-RPC response') },
  });
}
