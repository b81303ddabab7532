// The daemon's whole configuration, parsed once at boot. Nothing else reads process.env.
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
    DATA_DIR: z.string().default('sessions'),
    DRIN_API_KEY: optionalString.pipe(z.string().min(24, 'must be at least 24 characters').optional()),
    SECRETS_KEY: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
    OPENROUTER_API_KEY: optionalString,
    OPENROUTER_MODEL: z.string().default('openai/gpt-4o-mini'),
    OPENROUTER_BASE_URL: z.url().default('https://openrouter.ai/api/v1'),
    CORS_ORIGINS: commaList,
    LOG_LEVEL: ZLogLevel.default('info'),
    BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/, 'like 1mb or 512kb').default('1mb'),
    TRUST_PROXY: z.string().default('loopback'),
    MAX_SLOTS: z.coerce.number().int().min(1).max(10).default(3),
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(1000).max(60000).default(10000),
    SLOT_BACKOFF_BASE_MS: z.coerce.number().int().min(100).max(600_000).default(2_000),
    SLOT_BACKOFF_CAP_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(300_000),
    SLOT_MAX_FAILURES: z.coerce.number().int().min(1).max(1_000).default(8),
    SLOT_RESUME_CONCURRENCY: z.coerce.number().int().min(1).max(200).default(8),
    SLOT_RESUME_JITTER_MS: z.coerce.number().int().min(0).max(600_000).default(5_000),
    SLOT_SCAN_INTERVAL_MS: z.coerce.number().int().min(200).max(600_000).default(5_000),
    WA_KEEPALIVE_MS: z.coerce.number().int().min(1_000).max(600_000).default(30_000),
    WA_QR_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(600_000).default(60_000),
    WA_WEB_VERSION: optionalString.pipe(waVersion.optional()),
    WA_WEB_VERSION_REFRESH: optionalString.pipe(booleanFlag.optional()),
    WA_WS_URL: optionalString.pipe(z.url({ protocol: /^wss?$/ }).optional()),
    WA_SIMULATOR_ROOT_KEY: optionalString.pipe(z.base64().optional()),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV !== 'production') return;
    const requiredInProduction = ['DATABASE_URL', 'DRIN_API_KEY', 'SECRETS_KEY'] as const;
    for (const key of requiredInProduction) {
      if (!env[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'is required when NODE_ENV=production' });
    }
    // The simulator's root key makes Baileys trust a fake WhatsApp server: never in production.
    for (const key of ['WA_WS_URL', 'WA_SIMULATOR_ROOT_KEY'] as const) {
      if (env[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'is a test-only setting, refused when NODE_ENV=production' });
    }
  });

export type TEnv = z.infer<typeof ZEnv>;

export interface Config {
  env: TEnv['NODE_ENV'];
  host: string;
  port: number;
  /** Undefined means: run the embedded Postgres under dataDir. */
  databaseUrl: string | undefined;
  dbPoolMax: number;
  migrateOnStart: boolean;
  dataDir: string;
  adminApiKey: string | undefined;
  secretsKey: string | undefined;
  openRouter: { apiKey: string | undefined; model: string; baseUrl: string };
  corsOrigins: string[];
  logLevel: TEnv['LOG_LEVEL'];
  bodyLimit: string;
  trustProxy: string;
  maxSlots: number;
  shutdownTimeoutMs: number;
  whatsapp: {
    wsUrl: string | undefined;
    simulatorRootKey: string | undefined;
    /** The WhatsApp Web version to announce; undefined = the one the installed Baileys ships. */
    webVersion: [number, number, number] | undefined;
    /** Ask WhatsApp for its current version at boot (never when wsUrl points elsewhere). */
    webVersionRefresh: boolean;
  };
  slots: {
    backoffBaseMs: number;
    backoffCapMs: number;
    maxFailures: number;
    resumeConcurrency: number;
    resumeJitterMs: number;
    scanIntervalMs: number;
    keepAliveMs: number;
    qrTimeoutMs: number;
  };
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
    dataDir: e.DATA_DIR,
    adminApiKey: e.DRIN_API_KEY,
    secretsKey: e.SECRETS_KEY,
    openRouter: { apiKey: e.OPENROUTER_API_KEY, model: e.OPENROUTER_MODEL, baseUrl: e.OPENROUTER_BASE_URL },
    corsOrigins: e.CORS_ORIGINS,
    logLevel: e.LOG_LEVEL,
    bodyLimit: e.BODY_LIMIT,
    trustProxy: e.TRUST_PROXY,
    maxSlots: e.MAX_SLOTS,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    whatsapp: {
      wsUrl: e.WA_WS_URL,
      simulatorRootKey: e.WA_SIMULATOR_ROOT_KEY,
      webVersion: e.WA_WEB_VERSION,
      // Another endpoint (the simulator, in tests) is not WhatsApp: asking WhatsApp would be a
      // network call a test must never make, and its answer would mean nothing there.
      webVersionRefresh: !e.WA_WS_URL && (e.WA_WEB_VERSION_REFRESH ?? e.NODE_ENV !== 'test'),
    },
    slots: {
      backoffBaseMs: e.SLOT_BACKOFF_BASE_MS,
      backoffCapMs: e.SLOT_BACKOFF_CAP_MS,
      maxFailures: e.SLOT_MAX_FAILURES,
      resumeConcurrency: e.SLOT_RESUME_CONCURRENCY,
      resumeJitterMs: e.SLOT_RESUME_JITTER_MS,
      scanIntervalMs: e.SLOT_SCAN_INTERVAL_MS,
      keepAliveMs: e.WA_KEEPALIVE_MS,
      qrTimeoutMs: e.WA_QR_TIMEOUT_MS,
    },
  };
}
