// How Drin configures a Baileys socket. Everything WhatsApp-facing goes through here, so the
// simulator override (tests only) and the timeouts live in one place.
import { Browsers, proto, type AuthenticationState, type UserFacingSocketConfig } from '@whiskeysockets/baileys';
import type { Logger } from 'pino';
import type { EngineOptions } from './engine-options.js';

/**
 * Baileys logs a lot at info; keep its warnings and errors, tagged as its own component. At
 * LOG_LEVEL=trace it speaks at debug, for chasing protocol problems.
 */
export function baileysLogger(slotLog: Logger): Logger {
  const log = slotLog.child({ component: 'baileys' });
  log.level = slotLog.level === 'silent' ? 'silent' : slotLog.level === 'trace' ? 'debug' : 'warn';
  return log;
}

export function socketConfig(options: EngineOptions, auth: AuthenticationState, logger: Logger): UserFacingSocketConfig {
  return {
    auth,
    logger,
    browser: Browsers.ubuntu('Drin'),
    ...(options.waWebVersion ? { version: options.waWebVersion } : {}),
    ...(options.wsUrl ? { waWebSocketUrl: options.wsUrl } : {}),
    connectTimeoutMs: options.connectTimeoutMs,
    keepAliveIntervalMs: options.keepAliveIntervalMs,
    ...(options.qrTimeoutMs ? { qrTimeout: options.qrTimeoutMs } : {}),
    defaultQueryTimeoutMs: 30_000,
    // A store's number should not appear "online" to its customers just because the bot runs.
    markOnlineOnConnect: false,
    // Old chat history is not ours to answer, so RECENT and FULL syncs are skipped (refusing RECENT
    // also spares a 20 s wait on a new link). The other sync types (initial bootstrap, push names,
    // non-blocking data) still run: they carry the LID ↔ phone mappings Baileys v7 needs.
    syncFullHistory: false,
    shouldSyncHistoryMessage: ({ syncType }) =>
      syncType !== proto.HistorySync.HistorySyncType.RECENT && syncType !== proto.HistorySync.HistorySyncType.FULL,
    generateHighQualityLinkPreview: false,
  };
}
