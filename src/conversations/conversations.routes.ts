// The store's conversations: list them, close or reopen one, mark one read, send into one.
// (One conversation with its messages is the inbox's route, src/messages/messages.routes.ts.)
import { Router } from 'express';
import { requireStoreKey, type AuthorizeStore } from '../http/auth.js';
import type { OpenApiRegistry } from '../http/openapi.js';
import { withLimit, type RateLimits } from '../http/rate-limits.js';
import { parseBody, parseParams, parseQuery } from '../http/validate.js';
import { ZStoreParams, ZStoreRowParams } from '../kernel/index.js';
import type { ConversationsService } from './conversations.service.js';
import { ZConversationList, ZConversationListQuery, ZConversationSend, ZConversationSent, ZConversationView, ZReadBody, ZReadResult } from './conversations.schemas.js';

export function conversationsRouter(deps: {
  conversations: ConversationsService;
  authorizeStore: AuthorizeStore<unknown>;
  openapi: OpenApiRegistry;
  limits?: Pick<RateLimits, 'perStoreKey'>;
}): Router {
  const { conversations, openapi } = deps;
  const router = Router();
  const storeKey = withLimit(requireStoreKey(deps.authorizeStore), deps.limits?.perStoreKey);
  const tag = 'conversations';
  const base = '/api/client/:storeId/conversations';

  openapi.add({ method: 'get', path: base, summary: 'The store’s conversations, newest first, by contact, status and channel', tag, auth: 'store', params: ZStoreParams, query: ZConversationListQuery, responses: { 200: ZConversationList } });
  router.get(base, storeKey, async (req, res) => {
    const { storeId } = parseParams(ZStoreParams, req);
    res.json(await conversations.list(storeId, parseQuery(ZConversationListQuery, req)));
  });

  openapi.add({ method: 'post', path: `${base}/:id/close`, summary: 'Close a conversation (the contact’s next message opens a new one)', tag, auth: 'store', params: ZStoreRowParams, responses: { 200: ZConversationView } });
  router.post(`${base}/:id/close`, storeKey, async (req, res) => {
    const { storeId, id } = parseParams(ZStoreRowParams, req);
    res.json(await conversations.close(storeId, id));
  });

  openapi.add({ method: 'post', path: `${base}/:id/reopen`, summary: 'Reopen a closed conversation (409 when the contact has another open one on that channel)', tag, auth: 'store', params: ZStoreRowParams, responses: { 200: ZConversationView } });
  router.post(`${base}/:id/reopen`, storeKey, async (req, res) => {
    const { storeId, id } = parseParams(ZStoreRowParams, req);
    res.json(await conversations.reopen(storeId, id));
  });

  openapi.add({ method: 'post', path: `${base}/:id/read`, summary: 'Mark a conversation read; on WhatsApp optionally send read receipts', tag, auth: 'store', params: ZStoreRowParams, body: ZReadBody, responses: { 200: ZReadResult } });
  router.post(`${base}/:id/read`, storeKey, async (req, res) => {
    const { storeId, id } = parseParams(ZStoreRowParams, req);
    const { receipts } = parseBody(ZReadBody, req);
    res.json(await conversations.markRead(storeId, id, receipts));
  });

  openapi.add({ method: 'post', path: `${base}/:id/messages`, summary: 'Send into a conversation on its channel: WhatsApp through the send queue, other channels through the store’s n8n', tag, auth: 'store', params: ZStoreRowParams, body: ZConversationSend, responses: { 202: ZConversationSent } });
  router.post(`${base}/:id/messages`, storeKey, async (req, res) => {
    const { storeId, id } = parseParams(ZStoreRowParams, req);
    res.status(202).json(await conversations.send(storeId, id, parseBody(ZConversationSend, req)));
  });

  return router;
}
