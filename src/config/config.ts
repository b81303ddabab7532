// The daemon's whole configuration, parsed once at boot. Nothing else reads process.env.
import cron from 'node-cron';
import { z } from 'zod';

const ZLogLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/** Empty strings in a .env file mean "not set", as they do for most tools. */
const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const commaList = z
  .string()
  .default('')
  .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean));

/** A rate limit's allowance; 0 turns that limit off. */
const limit = z.coerce.number().int().min(0).max(1_000_000);
const seconds = z.coerce.number().int().min(1).max(86_400);
/** SECRETS_KEY_PREVIOUS: `version:key` pairs, comma-separated (keys never contain a comma). */
const versionedSecrets = z
  .string()
  .default('')
  .transform((v, ctx) =>
    v.split(',').map((s) => s.trim()).filter(Boolean).flatMap((pair) => {
      const match = /^(\d{1,5}):(.{32,})$/.exec(pair);
      const version = match ? Number(match[1]) : NaN;
      if (!match || version < 1 || version > 32767) {
        // Never echo the pair: it is a key.
        ctx.addIssue({ code: 'custom', message: 'each entry must be version:key, version 1..32767, key >= 32 characters' });
        return [];
      }
      return [{ version, secret: match[2]! }];
    }),
  );
/** "2.3000.1023456789" → [2, 3000, 1023456789], the shape Baileys' `version` option takes. */
const waVersion = z
  .string()
  .regex(/^\d{1,9}\.\d{1,9}\.\d{1,12}$/, 'like 2.3000.1023456789')
  .transform((v) => v.split('.').map(Number) as [number, number, number]);

const booleanFlag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

export const ZEnv = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    HOST: z.string().default('127.0.0.1'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3001),
    DATABASE_URL: optionalString.pipe(z.url({ protocol: /^postgres(ql)?$/ }).optional()),
    DB_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
    DB_MIGRATE_ON_START: booleanFlag.default(true),
    DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
    DB_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
    DATA_DIR: z.string().default('sessions'),
    DRIN_API_KEY: optionalString.pipe(z.string().min(24, 'must be at least 24 characters').optional()),
    SECRETS_KEY: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
    SECRETS_KEY_VERSION: z.coerce.number().int().min(1).max(32767).default(1),
    SECRETS_KEY_PREVIOUS: versionedSecrets,
    API_KEY_PEPPER: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
    OPENROUTER_API_KEY: optionalString,
    OPENROUTER_MODEL: z.string().default('openai/gpt-4o-mini'),
    OPENROUTER_BASE_URL: z.url().default('https://openrouter.ai/api/v1'),
    /** OpenRouter's attribution: the app's site (HTTP-Referer; unset: not sent) and name (X-Title). */
    OPENROUTER_APP_URL: optionalString.pipe(z.url().optional()),
    OPENROUTER_APP_TITLE: z.string().min(1).max(100).default('Drin'),
    /** How often a process looks for bot turns due (other processes' bursts, retries, lapsed leases). */
    BOT_SCAN_INTERVAL_MS: z.coerce.number().int().min(100).max(600_000).default(2_000),
    /** The first retry's delay after the model failed; each next one doubles (jittered; Retry-After wins). */
    BOT_RETRY_BASE_MS: z.coerce.number().int().min(10).max(600_000).default(2_000),
    /** Model calls of one turn before the bot gives up on it and stays silent. */
    BOT_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(4),
    /** A customer's message older than this (a backlog after an outage) is stored but not answered. */
    BOT_MAX_AGE_MINUTES: z.coerce.number().int().min(1).max(10_080).default(30),
    /** When the daily AI context snapshots run (node-cron syntax, the daemon's local time). */
    BOT_SNAPSHOT_CRON: z.string().max(100).refine((v) => cron.validate(v), 'must be a cron expression like 15 3 * * *').default('15 3 * * *'),
    CORS_ORIGINS: commaList,
    LOG_LEVEL: ZLogLevel.default('info'),
    BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/, 'like 1mb or 512kb').default('1mb'),
    TRUST_PROXY: z.string().default('loopback'),
    MAX_SLOTS: z.coerce.number().int().min(1).max(10).default(3),
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(1000).max(60000).default(10000),
    SLOT_BACKOFF_BASE_MS: z.coerce.number().int().min(100).max(600_000).default(2_000),
    SLOT_BACKOFF_CAP_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(300_000),
    SLOT_MAX_FAILURES: z.coerce.number().int().min(1).max(1_000).default(8),
    SLOT_RESUME_CONCURRENCY: z.coerce.number().int().min(1).max(200).default(16),
    SLOT_RESUME_RATE_PER_SEC: z.coerce.number().int().min(1).max(500).default(15),
    SLOT_RESUME_JITTER_MS: z.coerce.number().int().min(0).max(600_000).default(2_000),
    SLOT_SCAN_INTERVAL_MS: z.coerce.number().int().min(200).max(600_000).default(5_000),
    AUTH_ASYNC_KEY_COMMIT: booleanFlag.default(true),
    WA_KEEPALIVE_MS: z.coerce.number().int().min(1_000).max(600_000).default(30_000),
    WA_QR_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(600_000).default(60_000),
    RATE_LIMIT_IP_PER_MIN: limit.default(600),
    RATE_LIMIT_STORE_KEY_PER_MIN: limit.default(300),
    RATE_LIMIT_ADMIN_PER_MIN: limit.default(60),
    RATE_LIMIT_AUTH_FAILURES: limit.default(10),
    RATE_LIMIT_AUTH_WINDOW_SEC: seconds.default(900),
    RATE_LIMIT_AUTH_BLOCK_SEC: seconds.default(900),
    RATE_LIMIT_SESSION_STARTS: limit.default(10),
    RATE_LIMIT_SESSION_START_WINDOW_SEC: seconds.default(600),
    SSE_MAX_STREAMS_PER_STORE: limit.default(10),
    WA_WEB_VERSION: optionalString.pipe(waVersion.optional()),
    WA_WEB_VERSION_REFRESH: optionalString.pipe(booleanFlag.optional()),
    SEND_MEDIA_MAX_BYTES: z.coerce.number().int().min(1024).max(100 * 1024 * 1024).default(16 * 1024 * 1024),
    SEND_MEDIA_FETCH_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
    SEND_MEDIA_ALLOW_PRIVATE: booleanFlag.default(false),
    WA_WS_URL: optionalString.pipe(z.url({ protocol: /^wss?$/ }).optional()),
    WA_SIMULATOR_ROOT_KEY: optionalString.pipe(z.base64().optional()),
    /** Test-only: every WhatsApp media connection (upload, download) goes to this host:port instead. */
    WA_MEDIA_HOST: optionalString.pipe(z.string().regex(/^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\]):\d{1,5}$/, 'a loopback host:port').optional()),
    /** Test-only: the only certificate (base64 PEM) trusted for WA_MEDIA_HOST. */
    WA_MEDIA_CA: optionalString.pipe(z.base64().optional()),
    /** Inbound media larger than this is not downloaded (the message is kept, its media marked too_large). */
    MEDIA_MAX_BYTES: z.coerce.number().int().min(1).max(2 * 1024 ** 3).default(64 * 1024 ** 2),
    /** Other channels' outbound URL may be http:// and reach private/loopback addresses (tests, trusted LANs). */
    CHANNELS_ALLOW_PRIVATE_URLS: booleanFlag.default(false),
    /** How often a process looks for channel sends due (retries, other processes' sends, lapsed leases). */
    CHANNELS_SCAN_INTERVAL_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
    /** The first retry's delay of a failed channel send; each next one doubles (jittered, capped at an hour). */
    CHANNELS_RETRY_BASE_MS: z.coerce.number().int().min(10).max(600_000).default(5_000),
    /** Attempts of a channel send before it is failed. */
    CHANNELS_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
    /** GET /metrics needs this as a Bearer token; unset, it is served only to this machine. */
    METRICS_TOKEN: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
    /** Webhook URLs may be http:// and reach private/loopback addresses (tests, trusted LANs). */
    WEBHOOKS_ALLOW_PRIVATE_URLS: booleanFlag.default(false),
    /** How often a process looks for webhook deliveries due (retries, other processes' events, lapsed leases). */
    WEBHOOKS_SCAN_INTERVAL_MS: z.coerce.number().int().min(50).max(600_000).default(5_000),
    /** How long one delivery attempt may take before it counts as failed. */
    WEBHOOKS_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
    /** Deliveries one process makes at once. */
    WEBHOOKS_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
    /** When housekeeping purges what is past its retention (node-cron syntax, America/Sao_Paulo time). */
    HOUSEKEEPING_CRON: z.string().max(100).refine((v) => cron.validate(v), 'must be a cron expression like 30 4 * * *').default('30 4 * * *'),
    /** Retention, in days (0 keeps forever): finished slot commands. */
    RETENTION_SLOT_COMMANDS_DAYS: z.coerce.number().int().min(0).max(3650).default(7),
    /** Messages' status histories (each message keeps its current status). */
    RETENTION_STATUS_EVENTS_DAYS: z.coerce.number().int().min(0).max(3650).default(90),
    /** Webhook deliveries that ended (delivered or dead: past it a dead one can no longer be replayed). */
    RETENTION_WEBHOOK_DELIVERIES_DAYS: z.coerce.number().int().min(0).max(3650).default(30),
    /** MCP tokens revoked or expired that long ago. */
    RETENTION_MCP_TOKENS_DAYS: z.coerce.number().int().min(0).max(3650).default(30),
    /** Stored media bytes (the message stays, its media answers 404 expired); 0 keeps them. */
    RETENTION_MEDIA_DAYS: z.coerce.number().int().min(0).max(3650).default(0),
    /** The scheduled jobs' own run records. */
    RETENTION_JOB_RUNS_DAYS: z.coerce.number().int().min(0).max(3650).default(30),
    /** Browser origins (besides CORS_ORIGINS) an MCP client may call /api/mcp from. */
    MCP_ALLOWED_ORIGINS: commaList,
    /** Sites a connection names (WordPress) may be http:// and private/loopback (tests, trusted LANs). */
    MCP_ALLOW_PRIVATE_URLS: booleanFlag.default(false),
    /** How long one request to a connection's site may take. */
    MCP_SITE_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
  })
  .superRefine((env, ctx) => {
    refineSecretsKeyring(env, ctx);
    if (!env.WA_MEDIA_HOST !== !env.WA_MEDIA_CA) ctx.addIssue({ code: 'custom', path: ['WA_MEDIA_CA'], message: 'WA_MEDIA_HOST and WA_MEDIA_CA go together' });
    if (env.NODE_ENV !== 'production') return;
    const requiredInProduction = ['DATABASE_URL', 'DRIN_API_KEY', 'SECRETS_KEY'] as const;
    for (const key of requiredInProduction) {
      if (!env[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'is required when NODE_ENV=production' });
    }
    // The simulator's root key makes Baileys trust a fake WhatsApp server: never in production.
    for (const key of ['WA_WS_URL', 'WA_SIMULATOR_ROOT_KEY', 'WA_MEDIA_HOST', 'WA_MEDIA_CA'] as const) {
      if (env[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'is a test-only setting, refused when NODE_ENV=production' });
    }
  });

export type TEnv = z.infer<typeof ZEnv>;

/**
 * Rotation of SECRETS_KEY: the current key has SECRETS_KEY_VERSION, older ones are listed with
 * theirs, and the API-key pepper must not follow the rotation (every store's key would stop
 * working), so past version 1 it comes from API_KEY_PEPPER (set to the original SECRETS_KEY).
 */
function refineSecretsKeyring(env: { SECRETS_KEY?: string | undefined; SECRETS_KEY_VERSION: number; SECRETS_KEY_PREVIOUS: { version: number }[]; API_KEY_PEPPER?: string | undefined }, ctx: z.RefinementCtx): void {
  const rotated = env.SECRETS_KEY_VERSION > 1 || env.SECRETS_KEY_PREVIOUS.length > 0;
  if (rotated && !env.SECRETS_KEY) ctx.addIssue({ code: 'custom', path: ['SECRETS_KEY'], message: 'is required with SECRETS_KEY_VERSION > 1 or SECRETS_KEY_PREVIOUS' });
  if (env.SECRETS_KEY_VERSION > 1 && !env.API_KEY_PEPPER) {
    ctx.addIssue({ code: 'custom', path: ['API_KEY_PEPPER'], message: 'is required once SECRETS_KEY_VERSION > 1: set it to the original (version 1) SECRETS_KEY, or every store API key stops working' });
  }
  const versions = env.SECRETS_KEY_PREVIOUS.map((p) => p.version);
  if (versions.includes(env.SECRETS_KEY_VERSION)) ctx.addIssue({ code: 'custom', path: ['SECRETS_KEY_PREVIOUS'], message: 'lists the current SECRETS_KEY_VERSION' });
  if (new Set(versions).size !== versions.length) ctx.addIssue({ code: 'custom', path: ['SECRETS_KEY_PREVIOUS'], message: 'lists a version twice' });
}

export interface Config {
  env: TEnv['NODE_ENV'];
  host: string;
  port: number;
  /** Undefined means: run the embedded Postgres under dataDir. */
  databaseUrl: string | undefined;
  dbPoolMax: number;
  migrateOnStart: boolean;
  /** Longest a statement may run on the pool (server-side statement_timeout). */
  dbStatementTimeoutMs: number;
  /** Longest a query may wait for a pooled connection (acquire, or connect when the pool grows). */
  dbConnectTimeoutMs: number;
  dataDir: string;
  adminApiKey: string | undefined;
  secretsKey: string | undefined;
  /** The version stored beside everything sealed under secretsKey (a row names the key that opens it). */
  secretsKeyVersion: number;
  /** Older keys still accepted for reading during a rotation. */
  secretsKeyPrevious: { version: number; secret: string }[];
  /** The secret the API-key pepper is derived from; undefined = secretsKey (valid only at version 1). */
  apiKeyPepper: string | undefined;
  openRouter: { apiKey: string | undefined; model: string; baseUrl: string; appUrl: string | undefined; appTitle: string };
  /** The store's bot (src/bot). */
  bot: { scanIntervalMs: number; retryBaseMs: number; maxAttempts: number; maxAgeMs: number; snapshotCron: string };
  corsOrigins: string[];
  logLevel: TEnv['LOG_LEVEL'];
  bodyLimit: string;
  trustProxy: string;
  maxSlots: number;
  shutdownTimeoutMs: number;
  rateLimits: RateLimitSettings;
  whatsapp: {
    wsUrl: string | undefined;
    simulatorRootKey: string | undefined;
    /** The WhatsApp Web version to announce; undefined = the one the installed Baileys ships. */
    webVersion: [number, number, number] | undefined;
    /** Ask WhatsApp for its current version at boot (never when wsUrl points elsewhere). */
    webVersionRefresh: boolean;
  };
  /** Signal key writes commit with synchronous_commit=off (creds stay synchronous); see BENCHMARKS.md. */
  authAsyncKeyCommit: boolean;
  /** Media a send names by URL or carries as base64. */
  sendMedia: { maxBytes: number; timeoutMs: number; allowPrivate: boolean };
  media: {
    maxBytes: number;
    /** Test-only (the simulator's media host): where media connections go, and the one CA trusted there. */
    hostOverride: { host: string; caPem: string } | undefined;
  };
  /** Messages on other channels, sent through the store's n8n (src/channels). */
  channels: { allowPrivateUrls: boolean; scanIntervalMs: number; retryBaseMs: number; maxAttempts: number };
  /** GET /metrics: the Bearer token it needs (undefined: this machine only). */
  metricsToken: string | undefined;
  /** The stores' webhooks: the durable outbox and its delivery worker (src/webhooks). */
  webhooks: { allowPrivateUrls: boolean; scanIntervalMs: number; timeoutMs: number; concurrency: number };
  /** The scheduled housekeeping (src/jobs): when, and how many days each kind of row is kept (0: forever). */
  housekeeping: { cron: string; retentionDays: { slotCommands: number; statusEvents: number; webhookDeliveries: number; mcpTokens: number; media: number; jobRuns: number } };
  /** The MCP endpoint and its providers' requests to the sites connections name (src/mcp). */
  mcp: { allowedOrigins: string[]; allowPrivateUrls: boolean; siteTimeoutMs: number };
  slots: {
    backoffBaseMs: number;
    backoffCapMs: number;
    maxFailures: number;
    resumeConcurrency: number;
    resumeRatePerSec: number;
    resumeJitterMs: number;
    scanIntervalMs: number;
    keepAliveMs: number;
    qrTimeoutMs: number;
  };
}

/** Allowances shared by every daemon process (counted in Postgres); 0 turns a limit off. */
export interface RateLimitSettings {
  /** Requests per minute from one IP on store routes. */
  ipPerMin: number;
  /** Requests per minute under one store's key. */
  storeKeyPerMin: number;
  /** Requests per minute from one IP on admin routes. */
  adminPerMin: number;
  /** Failed authentications (401) from one IP per window before that IP is blocked. */
  authFailures: number;
  authWindowSec: number;
  authBlockSec: number;
  /** QR / pairing-code starts per slot per window. */
  sessionStarts: number;
  sessionStartWindowSec: number;
  /** Event streams (SSE) open at once per store, across processes. */
  streamsPerStore: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment; throws a ConfigError naming every bad key at once. */
export function loadConfig(source: NodeJS.ProcessEnv): Config {
  const parsed = ZEnv.safeParse(source);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`));
  }
  const e = parsed.data;
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    dbPoolMax: e.DB_POOL_MAX,
    migrateOnStart: e.DB_MIGRATE_ON_START,
    dbStatementTimeoutMs: e.DB_STATEMENT_TIMEOUT_MS,
    dbConnectTimeoutMs: e.DB_CONNECT_TIMEOUT_MS,
    dataDir: e.DATA_DIR,
    adminApiKey: e.DRIN_API_KEY,
    secretsKey: e.SECRETS_KEY,
    secretsKeyVersion: e.SECRETS_KEY_VERSION,
    secretsKeyPrevious: e.SECRETS_KEY_PREVIOUS,
    apiKeyPepper: e.API_KEY_PEPPER,
    openRouter: { apiKey: e.OPENROUTER_API_KEY, model: e.OPENROUTER_MODEL, baseUrl: e.OPENROUTER_BASE_URL, appUrl: e.OPENROUTER_APP_URL, appTitle: e.OPENROUTER_APP_TITLE },
    bot: {
      scanIntervalMs: e.BOT_SCAN_INTERVAL_MS,
      retryBaseMs: e.BOT_RETRY_BASE_MS,
      maxAttempts: e.BOT_MAX_ATTEMPTS,
      maxAgeMs: e.BOT_MAX_AGE_MINUTES * 60_000,
      snapshotCron: e.BOT_SNAPSHOT_CRON,
    },
    corsOrigins: e.CORS_ORIGINS,
    logLevel: e.LOG_LEVEL,
    bodyLimit: e.BODY_LIMIT,
    trustProxy: e.TRUST_PROXY,
    maxSlots: e.MAX_SLOTS,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    rateLimits: {
      ipPerMin: e.RATE_LIMIT_IP_PER_MIN,
      storeKeyPerMin: e.RATE_LIMIT_STORE_KEY_PER_MIN,
      adminPerMin: e.RATE_LIMIT_ADMIN_PER_MIN,
      authFailures: e.RATE_LIMIT_AUTH_FAILURES,
      authWindowSec: e.RATE_LIMIT_AUTH_WINDOW_SEC,
      authBlockSec: e.RATE_LIMIT_AUTH_BLOCK_SEC,
      sessionStarts: e.RATE_LIMIT_SESSION_STARTS,
      sessionStartWindowSec: e.RATE_LIMIT_SESSION_START_WINDOW_SEC,
      streamsPerStore: e.SSE_MAX_STREAMS_PER_STORE,
    },
    whatsapp: {
      wsUrl: e.WA_WS_URL,
      simulatorRootKey: e.WA_SIMULATOR_ROOT_KEY,
      webVersion: e.WA_WEB_VERSION,
      // Another endpoint (the simulator, in tests) is not WhatsApp: asking WhatsApp would be a
      // network call a test must never make, and its answer would mean nothing there.
      webVersionRefresh: !e.WA_WS_URL && (e.WA_WEB_VERSION_REFRESH ?? e.NODE_ENV !== 'test'),
    },
    authAsyncKeyCommit: e.AUTH_ASYNC_KEY_COMMIT,
    sendMedia: { maxBytes: e.SEND_MEDIA_MAX_BYTES, timeoutMs: e.SEND_MEDIA_FETCH_TIMEOUT_MS, allowPrivate: e.SEND_MEDIA_ALLOW_PRIVATE },
    media: {
      maxBytes: e.MEDIA_MAX_BYTES,
      hostOverride: e.WA_MEDIA_HOST && e.WA_MEDIA_CA ? { host: e.WA_MEDIA_HOST, caPem: Buffer.from(e.WA_MEDIA_CA, 'base64').toString('utf8') } : undefined,
    },
    channels: {
      allowPrivateUrls: e.CHANNELS_ALLOW_PRIVATE_URLS,
      scanIntervalMs: e.CHANNELS_SCAN_INTERVAL_MS,
      retryBaseMs: e.CHANNELS_RETRY_BASE_MS,
      maxAttempts: e.CHANNELS_MAX_ATTEMPTS,
    },
    metricsToken: e.METRICS_TOKEN,
    webhooks: {
      allowPrivateUrls: e.WEBHOOKS_ALLOW_PRIVATE_URLS,
      scanIntervalMs: e.WEBHOOKS_SCAN_INTERVAL_MS,
      timeoutMs: e.WEBHOOKS_TIMEOUT_MS,
      concurrency: e.WEBHOOKS_CONCURRENCY,
    },
    housekeeping: {
      cron: e.HOUSEKEEPING_CRON,
      retentionDays: {
        slotCommands: e.RETENTION_SLOT_COMMANDS_DAYS,
        statusEvents: e.RETENTION_STATUS_EVENTS_DAYS,
        webhookDeliveries: e.RETENTION_WEBHOOK_DELIVERIES_DAYS,
        mcpTokens: e.RETENTION_MCP_TOKENS_DAYS,
        media: e.RETENTION_MEDIA_DAYS,
        jobRuns: e.RETENTION_JOB_RUNS_DAYS,
      },
    },
    mcp: { allowedOrigins: [...new Set([...e.CORS_ORIGINS, ...e.MCP_ALLOWED_ORIGINS])], allowPrivateUrls: e.MCP_ALLOW_PRIVATE_URLS, siteTimeoutMs: e.MCP_SITE_TIMEOUT_MS },
    slots: {
      backoffBaseMs: e.SLOT_BACKOFF_BASE_MS,
      backoffCapMs: e.SLOT_BACKOFF_CAP_MS,
      maxFailures: e.SLOT_MAX_FAILURES,
      resumeConcurrency: e.SLOT_RESUME_CONCURRENCY,
      resumeRatePerSec: e.SLOT_RESUME_RATE_PER_SEC,
      resumeJitterMs: e.SLOT_RESUME_JITTER_MS,
      scanIntervalMs: e.SLOT_SCAN_INTERVAL_MS,
      keepAliveMs: e.WA_KEEPALIVE_MS,
      qrTimeoutMs: e.WA_QR_TIMEOUT_MS,
    },
  };
}
