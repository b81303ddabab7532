// How Drin configures a Baileys socket. Everything WhatsApp-facing goes through here, so the
// simulator override (tests only) and the timeouts live in one place.
import { Browsers, type AuthenticationState, type UserFacingSocketConfig } from '@whiskeysockets/baileys';
import type { Logger } from 'pino';
import type { EngineOptions } from './engine-options.js';

/** Baileys logs a lot at info; keep its warnings and errors, tagged as its own component. */
export function baileysLogger(slotLog: Logger): Logger {
  const log = slotLog.child({ component: 'baileys' });
  log.level = slotLog.level === 'silent' ? 'silent' : 'warn';
  return log;
}

export function socketConfig(options: EngineOptions, auth: AuthenticationState, logger: Logger): UserFacingSocketConfig {
  return {
    auth,
    logger,
    browser: Browsers.ubuntu('Drin'),
    ...(options.wsUrl ? { waWebSocketUrl: options.wsUrl } : {}),
    connectTimeoutMs: options.connectTimeoutMs,
    keepAliveIntervalMs: options.keepAliveIntervalMs,
    ...(options.qrTimeoutMs ? { qrTimeout: options.qrTimeoutMs } : {}),
    defaultQueryTimeoutMs: 30_000,
    // A store's number should not appear "online" to its customers just because the bot runs.
    markOnlineOnConnect: false,
    syncFullHistory: false,
    shouldSyncHistoryMessage: () => false,
    generateHighQualityLinkPreview: false,
  };
}
