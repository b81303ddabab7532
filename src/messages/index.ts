// The messages domain's public face: inbound storage (a durable bus subscriber) and the inbox.
export { createInboundRepo } from './inbound.repo.js';
export { createInboxRepo } from './inbox.repo.js';
export { messagesRouter } from './messages.routes.js';
export { createMessagesService, type MessagesService } from './messages.service.js';
export { createMediaRepo } from './media.repo.js';
export { createMediaService, type MediaService } from './media.service.js';
export { mediaRouter } from './media.routes.js';
export { routeMediaTo, type MediaFetch } from './media-route.js';
export { MediaWorker } from './media.worker.js';
