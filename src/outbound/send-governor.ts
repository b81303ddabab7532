// The send governor: what keeps a store's number from looking like a spammer to WhatsApp. At
// accept time it refuses what would break the per-contact cap; at send time (in the slot's owner)
// it holds a job back — quiet hours, a WhatsApp new-chat hold, the warm-up allowance, the slot's
// rate — and names the limit. State lives in Postgres (the rate_limits table through
// rate-limiter-flexible, send_holds, and counts of sent rows), so every process sees the same.
import type pg from 'pg';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError, ErrorCode } from '../kernel/index.js';
import type { ClaimedJob } from './outbound.repo.js';
import type { SendLookupsRepo } from './send-lookups.repo.js';
import { quietUntil, readSendPolicy, type TSendPolicy } from './send-policy.js';

export type LimitName = 'quiet_hours' | 'reachout_timelock' | 'warmup_daily_cap' | 'slot_rate';

export type Verdict = { go: true; policy: TSendPolicy } | { go: false; until: Date; limit: LimitName };

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** The send_holds reason WhatsApp's 463 sets. */
export const REACHOUT_HOLD = 'reachout_timelock';

export class SendGovernor {
  /** One limiter per allowance (stores may differ); rate-limiter-flexible fixes points per instance. */
  private readonly slotLimiters = new Map<number, RateLimiterPostgres>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly lookups: SendLookupsRepo,
  ) {}

  async policyOf(storeId: string): Promise<{ policy: TSendPolicy; timezone: string; defaultCountry: string }> {
    const settings = await this.lookups.settings(storeId);
    return { policy: readSendPolicy(settings.sendPolicy), timezone: settings.timezone, defaultCountry: settings.defaultCountry };
  }

  /** At accept time: over the per-contact cap is a 429 that names it. */
  async admit(storeId: string, toJid: string, policy: TSendPolicy): Promise<void> {
    const lastHour = await this.lookups.sendsTo(storeId, toJid, new Date(Date.now() - HOUR_MS));
    if (lastHour >= policy.perContactPerHour) {
      throw new AppError(
        ErrorCode.RATE_LIMITED,
        `Send limit reached: at most ${policy.perContactPerHour} messages per hour to one contact (perContactPerHour)`,
        { limit: 'perContactPerHour', allowed: policy.perContactPerHour, retryAfterSeconds: 3600 },
        { retryAfterSeconds: 3600 },
      );
    }
  }

  /** At send time, in the slot's owner: go, or wait until when and why. */
  async check(job: ClaimedJob, now = new Date()): Promise<Verdict> {
    const { policy, timezone } = await this.policyOf(job.storeId);
    const quiet = quietUntil(policy, timezone, now);
    if (quiet) return { go: false, until: quiet, limit: 'quiet_hours' };

    const held = await this.lookups.activeHold(job.storeId, job.slot, REACHOUT_HOLD);
    if (held && !(await this.lookups.isExistingChat(job.storeId, job.slot, job.toJid))) return { go: false, until: held, limit: 'reachout_timelock' };

    const slot = await this.lookups.slot(job.storeId, job.slot);
    if (slot?.linkedAt && now.getTime() - slot.linkedAt.getTime() < policy.warmupDays * DAY_MS) {
      const today = await this.lookups.slotSends(job.storeId, job.slot, new Date(now.getTime() - DAY_MS));
      if (today >= policy.warmupPerDay) return { go: false, until: new Date(now.getTime() + HOUR_MS), limit: 'warmup_daily_cap' };
    }

    try {
      await this.slotLimiter(policy.perSlotPerMinute).consume(`${job.storeId}:${job.slot}`);
    } catch (err) {
      if (err instanceof RateLimiterRes) return { go: false, until: new Date(now.getTime() + Math.max(50, err.msBeforeNext)), limit: 'slot_rate' };
      throw err;
    }
    return { go: true, policy };
  }

  /** WhatsApp refused a new chat from this slot: new chats wait, replies keep going. */
  async recordReachoutRefusal(storeId: string, slot: number): Promise<void> {
    const { policy } = await this.policyOf(storeId);
    await this.lookups.setHold(storeId, slot, REACHOUT_HOLD, new Date(Date.now() + policy.newChatHoldMinutes * 60_000));
  }

  private slotLimiter(perMinute: number): RateLimiterPostgres {
    let limiter = this.slotLimiters.get(perMinute);
    if (!limiter) {
      limiter = new RateLimiterPostgres({
        keyPrefix: `send-slot-${perMinute}`,
        points: perMinute,
        duration: 60,
        storeClient: this.pool,
        storeType: 'pool',
        tableName: 'rate_limits',
        tableCreated: true,
        clearExpiredByTimeout: false,
      });
      this.slotLimiters.set(perMinute, limiter);
    }
    return limiter;
  }
}
