// The environment of a daemon pointed at the local WhatsApp simulator, with fast clocks. Free of
// jest, so benchmarks and scripts can use it too.
import type { WhatsAppSimulator } from '../wa-sim/index.js';

export const ADMIN_KEY = 'harness_admin_key_0123456789abcdef';
export const SECRETS_KEY = 'harness_secrets_key_0123456789abcdef012345';

export const RATE_LIMITS_OFF = {
  RATE_LIMIT_IP_PER_MIN: '0',
  RATE_LIMIT_STORE_KEY_PER_MIN: '0',
  RATE_LIMIT_ADMIN_PER_MIN: '0',
  RATE_LIMIT_AUTH_FAILURES: '0',
  RATE_LIMIT_SESSION_STARTS: '0',
  SSE_MAX_STREAMS_PER_STORE: '0',
} as const;

/** Environment for a daemon (in-process or child) pointed at the simulator. */
export function daemonEnv(sim: WhatsAppSimulator, db: { url: string }, dataDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    DATABASE_URL: db.url,
    DATA_DIR: dataDir,
    DRIN_API_KEY: ADMIN_KEY,
    SECRETS_KEY,
    PORT: '0',
    LOG_LEVEL: 'silent',
    WA_WS_URL: sim.url,
    WA_SIMULATOR_ROOT_KEY: sim.rootPublicKey.toString('base64'),
    WA_MEDIA_HOST: sim.media.address,
    WA_MEDIA_CA: Buffer.from(sim.media.certPem).toString('base64'),
    SLOT_RESUME_JITTER_MS: '0',
    SLOT_SCAN_INTERVAL_MS: '500',
    SLOT_BACKOFF_BASE_MS: '300',
    SLOT_BACKOFF_CAP_MS: '3000',
    // Engine tests start slots and poll far more often than a store owner would; the limits have
    // a test of their own (test/http/rate-limits.test.ts), which sets them through `extra`.
    ...RATE_LIMITS_OFF,
    ...extra,
  };
}
