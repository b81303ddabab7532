// The WhatsApp Web version Drin announces in its login payload. WhatsApp refuses versions it has
// retired with 405 "client outdated" (the peers' second most common breakage), and a Baileys
// release ages faster than it is upgraded: so the version is a setting (WA_WEB_VERSION, default
// the one the installed Baileys ships) and, when allowed, is refreshed once at boot from what
// WhatsApp Web itself publishes.
import { DEFAULT_CONNECTION_CONFIG, fetchLatestWaWebVersion, type WAVersion } from '@whiskeysockets/baileys';
import type { Logger } from 'pino';

export type { WAVersion };

export interface WaVersionSettings {
  /** WA_WEB_VERSION; undefined = Baileys' own. */
  configured: WAVersion | undefined;
  /** WA_WEB_VERSION_REFRESH (already forced off by the config when WA_WS_URL is set). */
  refresh: boolean;
  /** A boot must not hang on a slow network: past this the setting is used. */
  timeoutMs?: number;
}

/** Asks WhatsApp for its current version; throws when it cannot tell. */
export type PublishedVersionSource = (signal: AbortSignal) => Promise<WAVersion>;

const DEFAULT_TIMEOUT_MS = 5_000;

export const formatWaVersion = (version: WAVersion): string => version.join('.');

/** The version the installed Baileys announces when given none (read, so an upgrade moves it). */
export function bundledWaVersion(): WAVersion {
  const [a, b, c] = DEFAULT_CONNECTION_CONFIG.version;
  return [a, b, c];
}

/** web.whatsapp.com's service worker names the client revision WhatsApp Web currently runs. */
export const fromWhatsAppWeb: PublishedVersionSource = async (signal) => {
  const result = await fetchLatestWaWebVersion({ signal });
  // Baileys answers its own bundled version with isLatest=false instead of throwing.
  if (!result.isLatest) {
    const reason = result.error instanceof Error ? result.error.message : (result.error as { message?: string } | undefined)?.message;
    throw new Error(`web.whatsapp.com did not tell its version: ${reason ?? 'no reason given'}`, { cause: result.error });
  }
  return result.version;
};

/**
 * The version to announce: WhatsApp's published one when refresh is on and it answers in time
 * (never older than the setting), else the setting, else Baileys' own. Called once at boot by the
 * composition root; logs where the version came from.
 */
export async function resolveWaWebVersion(settings: WaVersionSettings, log: Logger, source: PublishedVersionSource = fromWhatsAppWeb): Promise<WAVersion> {
  const fallback = settings.configured ?? bundledWaVersion();
  const origin = settings.configured ? 'WA_WEB_VERSION' : 'baileys';
  if (!settings.refresh) {
    log.info({ version: formatWaVersion(fallback), source: origin }, 'announcing WhatsApp Web version');
    return fallback;
  }
  const timeoutMs = settings.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  try {
    const published = await withTimeout(source, timeoutMs);
    const version = isNewer(fallback, published) ? fallback : published;
    log.info({ version: formatWaVersion(version), published: formatWaVersion(published), fallback: formatWaVersion(fallback) }, 'announcing WhatsApp Web version (refreshed from WhatsApp)');
    return version;
  } catch (err) {
    log.warn(
      { err, version: formatWaVersion(fallback), source: origin, timeoutMs },
      'could not fetch the current WhatsApp Web version; announcing the setting (set WA_WEB_VERSION if WhatsApp answers 405)',
    );
    return fallback;
  }
}

/** Whether version `a` is later than `b`. */
export function isNewer(a: WAVersion, b: WAVersion): boolean {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! > b[i]!;
  return false;
}

async function withTimeout(source: PublishedVersionSource, timeoutMs: number): Promise<WAVersion> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    const version = await Promise.race([source(controller.signal), expired]);
    if (!Array.isArray(version) || version.length !== 3 || !version.every((n) => Number.isSafeInteger(n) && n >= 0)) {
      throw new Error(`not a version: ${JSON.stringify(version)}`);
    }
    return version;
  } finally {
    clearTimeout(timer);
  }
}
