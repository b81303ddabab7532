// How Drin configures a Baileys socket. Everything WhatsApp-facing goes through here, so the
// simulator override (tests only) and the timeouts live in one place.
import { Browsers, proto, type AuthenticationState, type UserFacingSocketConfig } from '@whiskeysockets/baileys';
import type { Logger } from 'pino';
import type { EngineOptions } from './engine-options.js';
import { serializedSignalRepository } from './signal-serialization.js';

/**
 * Baileys logs a lot at info; keep its warnings and errors, tagged as its own component. At
 * LOG_LEVEL=trace it speaks at debug, for chasing protocol problems.
 */
export function baileysLogger(slotLog: Logger): Logger {
  const log = slotLog.child({ component: 'baileys' });
  log.level = slotLog.level === 'silent' ? 'silent' : slotLog.level === 'trace' ? 'debug' : 'warn';
  // Baileys logs every stream error at error, including the 515 "restart required" that follows
  // every pairing (and that WhatsApp sends now and then): a planned restart, not a failure.
  const error = log.error.bind(log);
  log.error = function (this: Logger, ...args: Parameters<Logger['error']>) {
    if (isRestartRequired(args[0], args[1])) return log.info(...args);
    return error(...args);
  } as Logger['error'];
  return log;
}

function isRestartRequired(obj: unknown, msg: unknown): boolean {
  const node = (obj as { fullErrorNode?: { tag?: string; attrs?: { code?: string } } } | undefined)?.fullErrorNode;
  return msg === 'stream errored out' && node?.tag === 'stream:error' && node.attrs?.code === '515';
}

/**
 * How long the `index`-th QR of a connection stays valid, as Baileys times it (rc14 socket.ts
 * `genPairQR`): `qrTimeout` for every ref when set; unset, 60 s for the first and 20 s for each next.
 */
export function qrLifetimeMs(qrTimeoutMs: number | undefined, index: number): number {
  return qrTimeoutMs || (index === 0 ? 60_000 : 20_000);
}

/**
 * Which history chunks Baileys downloads and emits. The initial bootstrap, push names and
 * non-blocking data always run: they carry the LID ↔ phone mappings Baileys v7 needs (storage
 * drops their messages when the store wants no history). RECENT runs only when the store keeps
 * history (refusing it also spares Baileys' 20 s wait for it on a new link); FULL never: Drin
 * keeps days, not years, and does not ask for it (`syncFullHistory: false`).
 */
export function historySyncFilter(storeKeepsHistory: boolean): (n: proto.Message.IHistorySyncNotification) => boolean {
  const { RECENT, FULL } = proto.HistorySync.HistorySyncType;
  return ({ syncType }) => syncType !== FULL && (storeKeepsHistory || syncType !== RECENT);
}

export function socketConfig(
  options: EngineOptions,
  auth: AuthenticationState,
  logger: Logger,
  { storeKeepsHistory }: { storeKeepsHistory: boolean } = { storeKeepsHistory: false },
): UserFacingSocketConfig {
  return {
    auth,
    logger,
    browser: Browsers.ubuntu('Drin'),
    ...(options.waWebVersion ? { version: options.waWebVersion } : {}),
    ...(options.wsUrl ? { waWebSocketUrl: options.wsUrl } : {}),
    ...(options.mediaRoute ? { fetchAgent: options.mediaRoute.uploadAgent, options: options.mediaRoute.requestInit } : {}),
    connectTimeoutMs: options.connectTimeoutMs,
    keepAliveIntervalMs: options.keepAliveIntervalMs,
    ...(options.qrTimeoutMs ? { qrTimeout: options.qrTimeoutMs } : {}),
    defaultQueryTimeoutMs: 30_000,
    // A store's number should not appear "online" to its customers just because the bot runs.
    markOnlineOnConnect: false,
    syncFullHistory: false,
    shouldSyncHistoryMessage: historySyncFilter(storeKeepsHistory),
    generateHighQualityLinkPreview: false,
    // A decrypt waits for our own send's Signal commit (see signal-serialization.ts).
    makeSignalRepository: serializedSignalRepository(),
  };
}
