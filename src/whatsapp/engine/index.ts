// The session engine's public face. The sessions domain, the CLI and the composition root import
// this file only.
export { DEFAULT_ENGINE_OPTIONS, type EngineOptions } from './engine-options.js';
export { SessionEngine } from './session-engine.js';
export { SlotChangeFeed, type StreamEnd } from './slot-change-feed.js';
export { createSlotsRepo, type SlotRow, type SlotsRepo } from './slots.repo.js';
export type { CommandOutcome, SlotCommand } from './slot-commands.repo.js';
export type { TStoreChangeNotice } from './slot-channels.js';
export type { SlotEngine, SlotSocket } from './session-engine.js';
export { CHANNELS as SLOT_CHANNELS } from './slot-channels.js';
export { trustWhatsAppRoot } from './simulator-trust.js';
/** The version announced at boot; the operator's doctor compares Baileys' own with WhatsApp Web's. */
export { bundledWaVersion, formatWaVersion, fromWhatsAppWeb, isNewer, resolveWaWebVersion, type WAVersion } from './wa-version.js';
