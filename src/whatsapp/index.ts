export { DEFAULT_ENGINE_OPTIONS, type EngineOptions } from './engine-options.js';
export { SessionEngine } from './session-engine.js';
export { SlotChangeFeed } from './slot-change-feed.js';
export { createSessionsService, toSlotView, type SessionsService } from './sessions.service.js';
export type { TSlotView } from './sessions.schemas.js';
export { sessionsRouter } from './sessions.routes.js';
export { createSlotsRepo, type SlotsRepo } from './slots.repo.js';
export { ZSlotStatus, type TSlotStatus } from './slot-status.js';
export { trustWhatsAppRoot } from './simulator-trust.js';
