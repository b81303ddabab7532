// GET /metrics: Prometheus text that parses, whose counters move when a contact writes, the bot
// answers through the LLM stub and a webhook is delivered; no phone number, JID or store id in
// it; served to this machine only, or with METRICS_TOKEN to whoever bears it.
import { describe, expect, it } from '@jest/globals';
import { startAppHarness } from '../support/app-harness.js';
import { botStore, useBotSuite } from '../support/bot-suite.js';
import { eventually } from '../support/eventually.js';
import { STUB_DEFAULT_REPLY } from '../support/llm-stub.js';
import { WebhookReceiver } from '../webhooks/receiver.js';
import { parsePrometheus, valueOf, type Family } from './prometheus-text.js';

const ctx = useBotSuite({ WEBHOOKS_ALLOW_PRIVATE_URLS: 'true' });

async function scrape(): Promise<{ text: string; families: Map<string, Family> }> {
  const res = await fetch(`${ctx.h.daemon.url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  return { text, families: parsePrometheus(text) };
}

describe('GET /metrics', () => {
  it('parses as Prometheus text, and the counters move with a message, a bot reply and a webhook', async () => {
    const receiver = new WebhookReceiver();
    await receiver.start();
    try {
      const before = (await scrape()).families;
      const s = await botStore(ctx, '5511933330001');
      const hook = await ctx.h.request('POST', `/api/client/${s.storeId}/webhooks`, { key: s.apiKey, body: { url: receiver.url, events: ['message.received'] } });
      receiver.secret = hook.body.secret;
      const contact = s.phone.contact('5511922220001');
      await contact.sendText('oi, quero ver as métricas');
      await contact.waitForText(STUB_DEFAULT_REPLY);
      await receiver.untilAccepted(1);
      // The delivery's counter moves once its outcome is recorded, just after the receiver answered.
      const { text, families: after } = await eventually(scrape, (m) => valueOf(m.families, 'drin_webhook_deliveries_total', { result: 'delivered' }) > valueOf(before, 'drin_webhook_deliveries_total', { result: 'delivered' }));
      const grew = (name: string, labels: Record<string, string> = {}) => valueOf(after, name, labels) - valueOf(before, name, labels);

      expect(grew('drin_messages_total', { direction: 'in', type: 'text', result: 'received' })).toBe(1);
      expect(grew('drin_slot_status_changes_total', { status: 'connected', reason: 'none' })).toBeGreaterThanOrEqual(1);
      expect(grew('drin_webhook_deliveries_total', { result: 'delivered' })).toBe(1);
      expect(grew('drin_llm_requests_total', { purpose: 'reply', result: 'ok' })).toBe(1);
      expect(grew('drin_llm_tokens_total', { kind: 'prompt' })).toBe(120);
      expect(grew('drin_llm_cost_usd_total')).toBeCloseTo(0.00042, 8);
      expect(grew('drin_http_request_duration_seconds', { method: 'POST', route: '/api/client/:storeId/webhooks', status: '201' })).toBe(1);
      // Linking the slot wrote its creds; the message's decryption, Signal keys.
      expect(grew('drin_auth_store_write_seconds', { kind: 'creds', result: 'ok' })).toBeGreaterThanOrEqual(1);
      expect(grew('drin_auth_store_write_seconds', { kind: 'keys', result: 'ok' })).toBeGreaterThanOrEqual(1);
      expect(valueOf(after, 'drin_slots', { status: 'connected' })).toBeGreaterThanOrEqual(1);
      expect(after.get('drin_webhook_outbox_backlog')?.type).toBe('gauge');
      expect(after.get('drin_webhook_outbox_oldest_age_seconds')?.type).toBe('gauge');
      expect(after.get('drin_send_queue')?.type).toBe('gauge');
      expect(after.get('drin_process_resident_memory_bytes')?.type).toBe('gauge');
      // No phone number, JID or store id as a label.
      expect(text).not.toMatch(/5511933330001|5511922220001|@s\.whatsapp\.net|@lid/);
      expect(text).not.toContain(s.storeId);
    } finally {
      await receiver.stop();
    }
  });

  it('a client that is not this machine (behind the trusted proxy) is refused without METRICS_TOKEN', async () => {
    const res = await fetch(`${ctx.h.daemon.url}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.5' } });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
  });
});

describe('GET /metrics with METRICS_TOKEN', () => {
  it('needs the token as a Bearer token, from anywhere', async () => {
    const token = 'metrics_token_0123456789';
    const h = await startAppHarness({ env: { METRICS_TOKEN: token } });
    try {
      expect((await h.request('GET', '/metrics')).status).toBe(401);
      expect((await h.request('GET', '/metrics', { headers: { authorization: 'Bearer wrong_token_0123456789' } })).status).toBe(401);
      const res = await fetch(`${h.baseUrl}/metrics`, { headers: { authorization: `Bearer ${token}`, 'x-forwarded-for': '203.0.113.5' } });
      expect(res.status).toBe(200);
      expect(parsePrometheus(await res.text()).has('drin_messages_total')).toBe(true);
    } finally {
      await h.close();
    }
  });
});
