// Prometheus metrics (prom-client): counters this process saw (slot status changes, messages,
// webhook attempts, LLM calls, auth-state writes, HTTP requests), the gauges the database answers at scrape time
// (slots by status, the send queue, the outbox), and Node's default process metrics. No label
// carries a phone number, a JID, a store id or free text: only bounded vocabularies.
import type { RequestHandler } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DomainEventBus } from '../events/event-bus.js';
import type { MetricsRepo } from './metrics.repo.js';

/** A label value from a bounded set, else `other` (a type or model name we did not expect). */
const bounded = (value: string | null | undefined, pattern = /^[a-z0-9_.:/-]{1,64}$/i) => (value && pattern.test(value) ? value : 'other');

/** A disconnect's reason as its WhatsApp status code (`408: …` → 408), never the free text. */
const reasonOf = (lastError: string | null | undefined) => (lastError ? (/^(\d{3}):/.exec(lastError)?.[1] ?? 'other') : 'none');

export interface LlmCallObservation {
  model: string;
  purpose: string;
  result: string;
  promptTokens: number;
  completionTokens: number;
  cost: number;
  latencyMs: number;
}

export function createMetrics(deps: { repo: MetricsRepo }) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'drin_' });
  const registers = [registry];

  const slotChanges = new Counter({ name: 'drin_slot_status_changes_total', help: 'Slot status changes this process reported, by new status and reason (a WhatsApp status code)', labelNames: ['status', 'reason'], registers });
  const messages = new Counter({ name: 'drin_messages_total', help: 'WhatsApp messages by direction, type and result', labelNames: ['direction', 'type', 'result'], registers });
  const deliveries = new Counter({ name: 'drin_webhook_deliveries_total', help: 'Webhook delivery attempts by result (delivered, retrying, dead)', labelNames: ['result'], registers });
  const deliverySeconds = new Histogram({ name: 'drin_webhook_delivery_seconds', help: 'Webhook delivery attempt latency', labelNames: ['result'], buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers });
  const llmCalls = new Counter({ name: 'drin_llm_requests_total', help: 'LLM calls by model, purpose and result', labelNames: ['model', 'purpose', 'result'], registers });
  const llmTokens = new Counter({ name: 'drin_llm_tokens_total', help: 'LLM tokens by model and kind (prompt, completion)', labelNames: ['model', 'kind'], registers });
  const llmCost = new Counter({ name: 'drin_llm_cost_usd_total', help: 'LLM cost in USD as OpenRouter reported it, by model', labelNames: ['model'], registers });
  const llmSeconds = new Histogram({ name: 'drin_llm_request_seconds', help: 'LLM call latency by purpose', labelNames: ['purpose'], buckets: [0.25, 0.5, 1, 2, 5, 10, 30, 60], registers });
  const authWrites = new Histogram({ name: 'drin_auth_store_write_seconds', help: 'WhatsApp auth-state writes (Signal keys, creds) by kind and result (ok, failed, fenced)', labelNames: ['kind', 'result'], buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1], registers });
  const jobRuns = new Counter({ name: 'drin_job_runs_total', help: 'Scheduled job runs this process made, by job and result (ok, failed)', labelNames: ['job', 'result'], registers });
  const jobSeconds = new Histogram({ name: 'drin_job_run_seconds', help: 'Scheduled job run duration, by job', labelNames: ['job'], buckets: [0.1, 0.5, 1, 5, 30, 120, 600], registers });
  const jobLastRun = new Gauge({ name: 'drin_job_last_run_timestamp_seconds', help: 'When this process last finished a job, by job and result', labelNames: ['job', 'result'], registers });
  const http = new Histogram({ name: 'drin_http_request_duration_seconds', help: 'HTTP requests by method, route pattern and status', labelNames: ['method', 'route', 'status'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers });

  // Read from the database once per scrape, shared by the gauges below.
  let pending: Promise<Awaited<ReturnType<MetricsRepo['gauges']>>> | null = null;
  const gauges = () => (pending ??= deps.repo.gauges().finally(() => setImmediate(() => (pending = null))));
  new Gauge({
    name: 'drin_slots', help: 'Slots by status (all processes)', labelNames: ['status'], registers,
    async collect() {
      this.reset();
      for (const s of (await gauges()).slotsByStatus) this.set({ status: s.status }, s.count);
    },
  });
  new Gauge({
    name: 'drin_send_queue', help: 'Queued WhatsApp sends by state (all processes)', labelNames: ['state'], registers,
    async collect() {
      this.reset();
      for (const s of (await gauges()).sendQueue) this.set({ state: s.state }, s.count);
    },
  });
  new Gauge({ name: 'drin_webhook_outbox_backlog', help: 'Webhook deliveries waiting (pending or being delivered)', registers, async collect() { this.set((await gauges()).outbox.backlog); } });
  new Gauge({ name: 'drin_webhook_outbox_oldest_age_seconds', help: 'Age of the oldest waiting webhook delivery (0 when none)', registers, async collect() { this.set((await gauges()).outbox.oldestAgeSeconds); } });
  new Gauge({ name: 'drin_webhook_dead', help: 'Dead-lettered webhook deliveries (replayable)', registers, async collect() { this.set((await gauges()).outbox.dead); } });

  return {
    registry,

    /** Times every request by its route pattern (`/api/client/:storeId/webhooks`), never its URL. */
    httpTimer: ((req, res, next) => {
      const end = http.startTimer();
      res.on('finish', () => {
        const route = req.route ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
        end({ method: req.method, route, status: String(res.statusCode) });
      });
      next();
    }) as RequestHandler,

    authWrite(w: { kind: 'keys' | 'creds'; result: 'ok' | 'failed' | 'fenced'; seconds: number }): void {
      authWrites.observe({ kind: w.kind, result: w.result }, w.seconds);
    },

    jobRun(job: string, result: 'ok' | 'failed', seconds: number): void {
      jobRuns.inc({ job, result });
      jobSeconds.observe({ job }, seconds);
      jobLastRun.set({ job, result }, Date.now() / 1000);
    },

    webhookAttempt(result: 'delivered' | 'retrying' | 'dead', latencyMs: number): void {
      deliveries.inc({ result });
      deliverySeconds.observe({ result }, latencyMs / 1000);
    },

    llmCall(c: LlmCallObservation): void {
      const model = bounded(c.model);
      llmCalls.inc({ model, purpose: c.purpose, result: c.result });
      llmTokens.inc({ model, kind: 'prompt' }, c.promptTokens);
      llmTokens.inc({ model, kind: 'completion' }, c.completionTokens);
      if (c.cost > 0) llmCost.inc({ model }, c.cost);
      llmSeconds.observe({ purpose: c.purpose }, c.latencyMs / 1000);
    },

    /** Not durable: counting never holds a slot's next event back. */
    subscribe(bus: DomainEventBus): () => void {
      const offs = [
        bus.on('session.status', 'metrics', (e) => slotChanges.inc({ status: e.status, reason: reasonOf(e.lastError) })),
        bus.on('message.received', 'metrics', (e) => messages.inc({ direction: 'in', type: bounded(e.type), result: 'received' })),
        bus.on('message.sent', 'metrics', (e) => messages.inc({ direction: 'out', type: bounded(e.type), result: 'sent' })),
        bus.on('message.status', 'metrics', (e) => {
          if (e.status === 'error') messages.inc({ direction: 'out', type: 'any', result: 'failed' });
        }),
      ];
      return () => offs.forEach((off) => off());
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
