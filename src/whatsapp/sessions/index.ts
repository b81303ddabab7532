// The sessions domain's public face: the /connections page's API over the engine.
export { createSessionsService, toSlotView, type SessionsService } from './sessions.service.js';
export type { TSlotView } from './sessions.schemas.js';
/** `:storeId/:slot` path parameters, bounded by MAX_SLOTS (for other domains' slot routes). */
export { makeZSlotParams } from './sessions.schemas.js';
export { sessionsRouter } from './sessions.routes.js';
