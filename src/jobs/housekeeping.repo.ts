// What housekeeping removes: rows past their retention, in batches (a short statement each, so a
// large backlog never holds locks long or bloats one transaction). Every purge keeps what is still
// in use: a pending command, a delivery not yet delivered or dead, a live token, media not yet
// stored.
import type { Db } from '../db/prisma.js';

/** Rows one statement removes at most. */
const BATCH = 5_000;

export function createHousekeepingRepo(db: Db) {
  /** Runs `statement` until it affects fewer than a batch; answers the rows it affected in all. */
  async function inBatches(statement: () => Promise<number>): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await statement();
      total += n;
      if (n < BATCH) return total;
    }
  }

  return {
    /** Slot commands finished (done, failed, expired) before `before`. */
    slotCommands: (before: Date) =>
      inBatches(() => db.$executeRaw`DELETE FROM slot_commands WHERE id IN (
        SELECT id FROM slot_commands WHERE status IN ('done', 'failed', 'expired') AND created_at < ${before} LIMIT ${BATCH})`),

    /** A message's status history before `before` (its current status stays on the message). */
    statusEvents: (before: Date) =>
      inBatches(() => db.$executeRaw`DELETE FROM message_status_events WHERE id IN (
        SELECT id FROM message_status_events WHERE at < ${before} LIMIT ${BATCH})`),

    /** Webhook deliveries that ended (delivered, dead) before `before`. */
    webhookDeliveries: (before: Date) =>
      inBatches(() => db.$executeRaw`DELETE FROM webhook_deliveries WHERE id IN (
        SELECT id FROM webhook_deliveries WHERE status IN ('delivered', 'dead') AND updated_at < ${before} LIMIT ${BATCH})`),

    /** MCP tokens revoked or expired before `before` (they open nothing; the audit trail keeps their story). */
    mcpTokens: (before: Date) =>
      inBatches(() => db.$executeRaw`DELETE FROM mcp_tokens WHERE id IN (
        SELECT id FROM mcp_tokens WHERE revoked_at < ${before} OR expires_at < ${before} LIMIT ${BATCH})`),

    /** Stored media of messages before `before`: the bytes dropped, the row marked expired (the message stays). */
    media: (before: Date) =>
      inBatches(() => db.$executeRaw`UPDATE message_media SET data = NULL, status = 'expired', updated_at = now() WHERE id IN (
        SELECT id FROM message_media WHERE status = 'stored' AND created_at < ${before} LIMIT ${BATCH})`),

    /** The jobs' own runs started before `before`. */
    jobRuns: (before: Date) =>
      inBatches(() => db.$executeRaw`DELETE FROM job_runs WHERE key IN (
        SELECT key FROM job_runs WHERE started_at < ${before} AND result <> 'running' LIMIT ${BATCH})`),
  };
}

export type HousekeepingRepo = ReturnType<typeof createHousekeepingRepo>;
