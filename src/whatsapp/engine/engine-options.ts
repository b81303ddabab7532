// Tunables of the session engine. Production uses the defaults; tests shorten the clocks.
export interface EngineOptions {
  maxSlots: number;
  /** WhatsApp Web endpoint; undefined = WhatsApp's own. Test-only override (WA_WS_URL). */
  wsUrl?: string;
  /**
   * Test-only (WA_MEDIA_HOST): how the socket's media uploads (node:https agent) and Baileys' own
   * downloads (fetch RequestInit) reach the simulator's media host. Unset: WhatsApp's hosts.
   */
  mediaRoute?: { uploadAgent: import('node:https').Agent; requestInit: RequestInit };
  backoff: { baseMs: number; capMs: number };
  /** Connection attempts in a row that never reach `open` before the slot parks as failed. */
  maxConsecutiveFailures: number;
  /** A connection open this long counts as stable: the backoff starts over after it. */
  stableAfterMs: number;
  /** Baileys' ping interval; it closes with 408 by itself after interval + 5 s of silence. */
  keepAliveIntervalMs: number;
  /** A connected slot that received no frame for this long is rebuilt from its creds. */
  livenessWindowMs: number;
  /** A send not acknowledged by the server within this long marks the socket dead. */
  sendAckTimeoutMs: number;
  connectTimeoutMs: number;
  /**
   * WhatsApp Web version announced in the login payload (resolveWaWebVersion at boot); undefined =
   * Baileys' own. WhatsApp answers a retired one with 405 and the slot parks as `outdated`.
   */
  waWebVersion?: [number, number, number];
  /** Lifetime of every QR; unset, Baileys gives the first 60 s and each next one 20 s (qrLifetimeMs). */
  qrTimeoutMs?: number;
  /** How long POST /start waits for the first QR before answering with the current status. */
  startWaitMs: number;
  /**
   * Reopening many slots (boot, takeover): handshakes in flight at once, slots started per second,
   * and (boot only) one random wait before the first (resume-pacer.ts).
   */
  resumeConcurrency: number;
  resumeRatePerSec: number;
  resumeJitterMs: number;
  /** How often the engine looks for orphaned slots to take over and for missed commands. */
  scanIntervalMs: number;
  /**
   * How long a command may take: the owner's wait for the slot to settle and the caller's wait
   * for the owner's answer are both this bound.
   */
  commandTimeoutMs: number;
  /** slot_commands rows older than this are deleted. */
  commandRetentionMs: number;
  /** The lock connection must answer a heartbeat this often, or the process gives up its slots. */
  lockHeartbeatMs: number;
  /**
   * Inbound messages of one socket emitted and not yet stored before it stops reading
   * (inbound-flow.ts): the bound on what a kill -9 loses per slot and on a graceful stop's drain.
   */
  inboundBacklogMax: number;
  /** How long a graceful stop waits for what a socket already read to be stored before it closes. */
  stopDrainMs: number;
  /** Signal key writes commit with synchronous_commit=off (AUTH_ASYNC_KEY_COMMIT; BENCHMARKS.md). */
  asyncAuthKeyCommit: boolean;
}

export const DEFAULT_ENGINE_OPTIONS: Omit<EngineOptions, 'maxSlots'> = {
  backoff: { baseMs: 2_000, capMs: 5 * 60_000 },
  maxConsecutiveFailures: 8,
  stableAfterMs: 60_000,
  keepAliveIntervalMs: 30_000,
  livenessWindowMs: 120_000,
  sendAckTimeoutMs: 60_000,
  connectTimeoutMs: 20_000,
  startWaitMs: 8_000,
  resumeConcurrency: 16,
  resumeRatePerSec: 15,
  resumeJitterMs: 2_000,
  scanIntervalMs: 5_000,
  commandTimeoutMs: 15_000,
  commandRetentionMs: 7 * 24 * 60 * 60_000,
  lockHeartbeatMs: 5_000,
  asyncAuthKeyCommit: true,
  inboundBacklogMax: 50,
  stopDrainMs: 5_000,
};
