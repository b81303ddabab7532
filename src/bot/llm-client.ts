// OpenRouter through the `openai` SDK: one chat completion, its outcome classified instead of
// thrown. The SDK's own retries are off — a failed call is retried by the turn that made it, on a
// schedule kept in Postgres, so a restart neither loses nor repeats it. OpenRouter's extras: the
// fallback models ride as `models`, the cost of the call comes back in `usage.cost`, and a failure
// after generation started arrives as a 200 with `finish_reason: "error"`.
import OpenAI, { APIConnectionTimeoutError, APIError } from 'openai';
import type { ChatCompletion, ChatCompletionCreateParamsNonStreaming, ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';

export type LlmFailure = 'rate_limited' | 'out_of_credits' | 'server_error' | 'timeout' | 'bad_response' | 'error';

export interface LlmToolCall {
  id: string;
  name: string;
  /** The model's JSON text, unparsed: the tool validates it. */
  arguments: string;
}

export interface LlmUsage {
  promptTokens: number;
  completionTokens: number;
  /** USD, as OpenRouter accounts it (0 when the provider did not say). */
  cost: number;
}

export type LlmOutcome =
  | { ok: true; model: string; content: string | null; toolCalls: LlmToolCall[]; usage: LlmUsage; latencyMs: number }
  | { ok: false; failure: LlmFailure; detail: string; retryAfterMs?: number; model: string; latencyMs: number; usage?: LlmUsage };

export interface LlmRequest {
  model: string;
  fallbackModels: string[];
  messages: ChatCompletionMessageParam[];
  tools?: ChatCompletionTool[];
  temperature?: number | null;
  maxTokens?: number | null;
  timeoutMs: number;
  /** Structured output: a JSON schema the answer must follow. */
  jsonSchema?: { name: string; schema: Record<string, unknown> };
}

export interface LlmClient {
  /** False when no OPENROUTER_API_KEY is set: nothing can be asked. */
  readonly configured: boolean;
  complete(request: LlmRequest): Promise<LlmOutcome>;
}

export interface LlmClientOptions {
  apiKey: string | undefined;
  baseUrl: string;
  /** OpenRouter's attribution headers (HTTP-Referer, X-Title). */
  appUrl?: string;
  appTitle: string;
}

function usageOf(completion: Pick<ChatCompletion, 'usage'>): LlmUsage {
  const u = completion.usage as (ChatCompletion['usage'] & { cost?: number }) | undefined;
  return { promptTokens: u?.prompt_tokens ?? 0, completionTokens: u?.completion_tokens ?? 0, cost: typeof u?.cost === 'number' ? u.cost : 0 };
}

/** Retry-After as seconds or an HTTP date, in ms. */
function retryAfterMs(headers: Headers | undefined): number | undefined {
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** An SDK error as one of our failures; the message is OpenRouter's (never a key: it echoes none). */
function classify(err: unknown): { failure: LlmFailure; detail: string; retryAfterMs?: number } {
  if (err instanceof APIConnectionTimeoutError) return { failure: 'timeout', detail: 'the model did not answer in time' };
  if (err instanceof APIError) {
    const detail = `${err.status ?? 'no status'}: ${err.message}`.slice(0, 500);
    if (err.status === 429) return { failure: 'rate_limited', detail, retryAfterMs: retryAfterMs(err.headers) };
    if (err.status === 402) return { failure: 'out_of_credits', detail };
    if (err.status === undefined || err.status >= 500 || err.status === 408) return { failure: 'server_error', detail };
    return { failure: 'error', detail };
  }
  return { failure: 'error', detail: err instanceof Error ? err.message.slice(0, 500) : String(err) };
}

export function createLlmClient(options: LlmClientOptions): LlmClient {
  const client = options.apiKey
    ? new OpenAI({
        apiKey: options.apiKey,
        baseURL: options.baseUrl,
        maxRetries: 0,
        defaultHeaders: { ...(options.appUrl ? { 'HTTP-Referer': options.appUrl } : {}), 'X-Title': options.appTitle },
      })
    : null;

  return {
    configured: client !== null,

    async complete(request: LlmRequest): Promise<LlmOutcome> {
      const started = Date.now();
      const elapsed = () => Date.now() - started;
      if (!client) return { ok: false, failure: 'error', detail: 'OPENROUTER_API_KEY is not set', model: request.model, latencyMs: 0 };
      const body: ChatCompletionCreateParamsNonStreaming & { models?: string[]; usage?: { include: boolean } } = {
        model: request.model,
        messages: request.messages,
        ...(request.fallbackModels.length ? { models: [request.model, ...request.fallbackModels] } : {}),
        ...(request.tools?.length ? { tools: request.tools } : {}),
        ...(request.temperature != null ? { temperature: request.temperature } : {}),
        ...(request.maxTokens != null ? { max_tokens: request.maxTokens } : {}),
        ...(request.jsonSchema ? { response_format: { type: 'json_schema', json_schema: { name: request.jsonSchema.name, strict: true, schema: request.jsonSchema.schema } } } : {}),
        usage: { include: true },
      };
      // Our own deadline, so a model that never answers is a timeout whatever the SDK makes of the abort.
      const deadline = new AbortController();
      const timer = setTimeout(() => deadline.abort(), request.timeoutMs);
      let completion: ChatCompletion & { error?: { message?: string } };
      try {
        completion = await client.chat.completions.create(body, { signal: deadline.signal, maxRetries: 0 });
      } catch (err) {
        if (deadline.signal.aborted) return { ok: false, failure: 'timeout', detail: `the model did not answer in ${request.timeoutMs} ms`, model: request.model, latencyMs: elapsed() };
        return { ok: false, ...classify(err), model: request.model, latencyMs: elapsed() };
      } finally {
        clearTimeout(timer);
      }
      const model = completion.model || request.model;
      const usage = usageOf(completion);
      const choice = completion.choices?.[0];
      if (completion.error || (choice?.finish_reason as string | undefined) === 'error') {
        return { ok: false, failure: 'server_error', detail: `error inside a 200: ${completion.error?.message ?? 'generation failed'}`.slice(0, 500), model, latencyMs: elapsed(), usage };
      }
      const toolCalls: LlmToolCall[] = (choice?.message?.tool_calls ?? []).flatMap((c) =>
        c.type === 'function' ? [{ id: c.id, name: c.function.name, arguments: c.function.arguments }] : [],
      );
      const content = choice?.message?.content ?? null;
      if (!choice || (!content?.trim() && !toolCalls.length)) {
        return { ok: false, failure: 'bad_response', detail: 'the model answered nothing', model, latencyMs: elapsed(), usage };
      }
      return { ok: true, model, content, toolCalls, usage, latencyMs: elapsed() };
    },
  };
}
