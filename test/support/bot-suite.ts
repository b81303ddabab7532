// Jest hooks for the bot end to end: the local OpenAI-compatible stub (standing in for
// OpenRouter), the WhatsApp simulator and the whole daemon pointed at both. A store is linked and
// configured the way an owner does it (QR scan, PUT …/config).
import { afterAll, beforeAll, expect } from '@jest/globals';
import type { WhatsAppSimulator } from '../wa-sim/index.js';
import { useSimulatorSuite } from '../wa-sim/simulator-suite.js';
import { createDaemonHarness, type DaemonHarness } from './daemon-harness.js';
import { linkSlot } from './link-slot.js';
import { startLlmStub, type LlmStub } from './llm-stub.js';

export const STUB_API_KEY = 'sk-or-v1-test-0123456789abcdef';

export function useBotSuite(env: Record<string, string> = {}) {
  const suite = useSimulatorSuite();
  const ctx = {
    h: undefined as unknown as DaemonHarness,
    stub: undefined as unknown as LlmStub,
    get sim(): WhatsAppSimulator {
      return suite.sim;
    },
  };
  beforeAll(async () => {
    ctx.stub = await startLlmStub();
    ctx.h = await createDaemonHarness(suite.sim, {
      env: { OPENROUTER_API_KEY: STUB_API_KEY, OPENROUTER_BASE_URL: ctx.stub.url, BOT_SCAN_INTERVAL_MS: '300', BOT_RETRY_BASE_MS: '200', ...env },
    });
  });
  afterAll(async () => {
    await ctx.h?.close();
    await ctx.stub?.close();
  });
  return ctx;
}

/** A store with slot 1 linked to `phone` and its bot configured (a short debounce unless given). */
export async function botStore(ctx: { h: DaemonHarness; sim: WhatsAppSimulator }, phone: string, config: Record<string, unknown> = {}) {
  const store = await ctx.h.createStore(`Bot store ${phone}`);
  await linkSlot(ctx.h, ctx.sim, store, 1, phone);
  const saved = await ctx.h.request('PUT', `/api/client/${store.storeId}/config`, { key: store.apiKey, body: { replyDebounceMs: 300, ...config } });
  expect(saved.status).toBe(200);
  const setConfig = async (body: Record<string, unknown>) => expect((await ctx.h.request('PUT', `/api/client/${store.storeId}/config`, { key: store.apiKey, body })).status).toBe(200);
  return { ...store, phone: ctx.sim.phone(phone), setConfig };
}
