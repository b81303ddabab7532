// The dashboard's inbox: open conversations, and one conversation with its messages.
import { Router } from 'express';
import { requireStoreKey, type AuthorizeStore } from '../http/auth.js';
import type { OpenApiRegistry } from '../http/openapi.js';
import { withLimit, type RateLimits } from '../http/rate-limits.js';
import { parseParams, parseQuery } from '../http/validate.js';
import type { MessagesService } from './messages.service.js';
import { ZConversationPage, ZConversationParams, ZInboxPage, ZInboxQuery, ZPageQuery, ZStoreParams } from './messages.schemas.js';

export function messagesRouter(deps: {
  messages: MessagesService;
  authorizeStore: AuthorizeStore<unknown>;
  openapi: OpenApiRegistry;
  limits?: Pick<RateLimits, 'perStoreKey'>;
}): Router {
  const { messages, openapi } = deps;
  const router = Router();
  const storeKey = withLimit(requireStoreKey(deps.authorizeStore), deps.limits?.perStoreKey);
  const tag = 'inbox';
  const base = '/api/client/:storeId';

  openapi.add({ method: 'get', path: `${base}/inbox`, summary: 'Open conversations, newest first, with the last message and the unread count; unread, channel and slot filters', tag, auth: 'store', params: ZStoreParams, query: ZInboxQuery, responses: { 200: ZInboxPage } });
  router.get(`${base}/inbox`, storeKey, async (req, res) => {
    const { storeId } = parseParams(ZStoreParams, req);
    res.json(await messages.inbox(storeId, parseQuery(ZInboxQuery, req)));
  });

  openapi.add({ method: 'get', path: `${base}/conversations/:id`, summary: 'One conversation and its messages, newest first', tag, auth: 'store', params: ZConversationParams, query: ZPageQuery, responses: { 200: ZConversationPage } });
  router.get(`${base}/conversations/:id`, storeKey, async (req, res) => {
    const { storeId, id } = parseParams(ZConversationParams, req);
    const { limit, cursor } = parseQuery(ZPageQuery, req);
    res.json(await messages.conversation(storeId, id, limit, cursor));
  });

  return router;
}
