export { createConversationsRepo, type ConversationsRepo } from './conversations.repo.js';
export { conversationsRouter } from './conversations.routes.js';
export { createConversationsService, type ChannelSender, type ConversationsService } from './conversations.service.js';
/** For other domains' contracts (MCP tools) that answer what marking read answers. */
export { ZReadResult } from './conversations.schemas.js';
