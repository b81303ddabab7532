// The messages domain's public face: inbound storage (a durable bus subscriber), the store's own
// messages typed on the phone, the history of a new link, and the inbox.
export { createInboundRepo } from './inbound.repo.js';
/** Inside another domain's transaction: the contact and thread a message belongs to. */
export { findOrCreateContact, threadFor } from './inbound.repo.js';
export { retryingLostRaces } from './storage-retries.js';
export { createInboxRepo } from './inbox.repo.js';
export { messagesRouter } from './messages.routes.js';
/** A message as the API shows it, for other domains' views of a contact's messages. */
export { mediaPath, ZMessageView } from './messages.schemas.js';
export { createMessagesService, type MessagesService } from './messages.service.js';
export { createOwnMessagesRepo } from './own-messages.repo.js';
export { createOwnMessagesService, type OwnMessagesService } from './own-messages.service.js';
export { createHistoryRepo } from './history.repo.js';
export { createHistoryService, type HistoryService } from './history.service.js';
export { createMediaRepo } from './media.repo.js';
export { createMediaService, type MediaService } from './media.service.js';
export { mediaRouter } from './media.routes.js';
export { routeMediaTo, type MediaFetch } from './media-route.js';
export { MediaWorker } from './media.worker.js';
