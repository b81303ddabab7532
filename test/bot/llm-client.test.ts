// The OpenRouter client (the real `openai` SDK) against the local OpenAI-compatible stub: what a
// call sends (model, fallback models, attribution headers, the key) and how every answer is
// classified — a reply with its cost, tool calls, 429 with Retry-After, 402, 5xx, an error inside
// a 200, an empty answer, and a model that never answers.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import OpenAI from 'openai';
import { createLlmClient, type LlmClient } from '../../src/bot/llm-client.js';
import { startLlmStub, type LlmStub } from '../support/llm-stub.js';

let stub: LlmStub;
let llm: LlmClient;
beforeAll(async () => {
  stub = await startLlmStub();
  llm = createLlmClient({ apiKey: 'sk-or-test-key', baseUrl: stub.url, appUrl: 'https://drin.test', appTitle: 'Drin test' });
});
afterAll(async () => stub?.close());

const ask = (extra: Partial<Parameters<LlmClient['complete']>[0]> = {}) =>
  llm.complete({ model: 'openai/gpt-4o-mini', fallbackModels: [], messages: [{ role: 'user', content: 'oi' }], timeoutMs: 5_000, ...extra });

describe('the OpenRouter client', () => {
  it('sends the model, fallbacks and attribution headers, and reads the reply with its tokens and cost', async () => {
    stub.queue({ content: 'Olá!', model: 'anthropic/claude-3.5-haiku', usage: { prompt_tokens: 11, completion_tokens: 3, cost: 0.0007 } });
    const outcome = await ask({ fallbackModels: ['anthropic/claude-3.5-haiku'], temperature: 0.3, maxTokens: 200 });
    const request = await stub.requests.take(() => true, 'request');
    expect(request.body).toMatchObject({ model: 'openai/gpt-4o-mini', models: ['openai/gpt-4o-mini', 'anthropic/claude-3.5-haiku'], temperature: 0.3, max_tokens: 200 });
    expect([request.headers['authorization'], request.headers['http-referer'], request.headers['x-title']]).toEqual(['Bearer sk-or-test-key', 'https://drin.test', 'Drin test']);
    expect(outcome).toMatchObject({ ok: true, model: 'anthropic/claude-3.5-haiku', content: 'Olá!', toolCalls: [], usage: { promptTokens: 11, completionTokens: 3, cost: 0.0007 } });
  });

  it('returns tool calls with their arguments unparsed', async () => {
    stub.queue({ toolCalls: [{ name: 'list_services', arguments: { q: 'corte' } }] });
    const outcome = await ask();
    await stub.requests.take(() => true, 'request');
    expect(outcome).toMatchObject({ ok: true, content: null, toolCalls: [{ name: 'list_services', arguments: '{"q":"corte"}' }] });
  });

  it.each([
    [{ status: 429, error: { code: 429, message: 'slow down' }, headers: { 'retry-after': '7' } }, { failure: 'rate_limited', retryAfterMs: 7000 }],
    [{ status: 402, error: { code: 402, message: 'Insufficient credits' } }, { failure: 'out_of_credits' }],
    [{ status: 503, error: { code: 503, message: 'no provider' } }, { failure: 'server_error' }],
    [{ status: 400, error: { code: 400, message: 'bad model' } }, { failure: 'error' }],
    [{ errorInside200: 'provider disconnected' }, { failure: 'server_error', detail: expect.stringContaining('provider disconnected') }],
    [{ content: '   ' }, { failure: 'bad_response' }],
  ] as const)('classifies %j without throwing', async (reply, expected) => {
    stub.queue(reply as never);
    const outcome = await ask();
    await stub.requests.take(() => true, 'request');
    expect(outcome).toMatchObject({ ok: false, ...expected });
  });

  it('gives up on a model that never answers at the timeout', async () => {
    stub.queue({ hang: true });
    const outcome = await ask({ timeoutMs: 300 });
    expect(outcome).toMatchObject({ ok: false, failure: 'timeout' });
  });

  it('says it is not configured without a key, and asks nothing', async () => {
    const before = stub.count();
    const none = createLlmClient({ apiKey: undefined, baseUrl: stub.url, appUrl: 'x', appTitle: 'x' });
    expect(none.configured).toBe(false);
    expect(await none.complete({ model: 'a/b', fallbackModels: [], messages: [], timeoutMs: 1000 })).toMatchObject({ ok: false, failure: 'error' });
    expect(stub.count()).toBe(before);
  });
});

describe('the stub', () => {
  it('streams chunks, a usage chunk and [DONE] to a streaming client', async () => {
    stub.queue({ content: 'uma resposta que chega em pedaços', usage: { cost: 0.001 } });
    const sdk = new OpenAI({ apiKey: 'k', baseURL: stub.url, maxRetries: 0 });
    const stream = await sdk.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'oi' }], stream: true });
    let text = '';
    let cost: unknown;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.usage) cost = (chunk.usage as { cost?: number }).cost;
    }
    await stub.requests.take(() => true, 'request');
    expect([text, cost]).toEqual(['uma resposta que chega em pedaços', 0.001]);
  });
});
