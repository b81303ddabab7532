// A local OpenAI-compatible server on loopback, standing in for OpenRouter in tests: the daemon's
// real `openai` SDK client talks HTTP to it. It records every request (body and headers) and
// answers from a script: a text, tool calls, an HTTP error with its headers, an error inside a 200
// (as OpenRouter reports a failure after generation started), or no answer at all (a hang).
// `stream: true` requests get `chat.completion.chunk` frames, a usage chunk, then `[DONE]`.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AsyncQueue } from '../wa-sim/async-queue.js';

export interface StubRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: {
    model: string;
    models?: string[];
    messages: Array<{ role: string; content: unknown; tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }>; tool_call_id?: string }>;
    tools?: Array<{ type: string; function: { name: string } }>;
    stream?: boolean;
    response_format?: unknown;
    [k: string]: unknown;
  };
}

export type StubReply =
  | { content: string; model?: string; usage?: Partial<StubUsage> }
  | { toolCalls: Array<{ name: string; arguments: unknown }>; content?: string; model?: string; usage?: Partial<StubUsage> }
  | { status: number; error: { code: number | string; message: string; metadata?: unknown }; headers?: Record<string, string> }
  | { errorInside200: string }
  | { hang: true };

interface StubUsage {
  prompt_tokens: number;
  completion_tokens: number;
  cost: number;
}

export type StubResponder = (request: StubRequest) => StubReply | Promise<StubReply>;

export interface LlmStub {
  /** The base URL to give as OPENROUTER_BASE_URL. */
  url: string;
  /** Every chat completion request, in arrival order. */
  requests: AsyncQueue<StubRequest>;
  /** How many requests arrived in all. */
  count(): number;
  /** Replies to the next requests, in order; after them, `respond`'s responder (default: a fixed text). */
  queue(...replies: StubReply[]): void;
  respond(responder: StubResponder): void;
  close(): Promise<void>;
}

export const STUB_DEFAULT_REPLY = 'Olá! Sou a assistente da loja (stub).';
const DEFAULT_USAGE: StubUsage = { prompt_tokens: 120, completion_tokens: 30, cost: 0.00042 };

function chatCompletion(body: StubRequest['body'], reply: Extract<StubReply, { model?: string }>, n: number) {
  const usage = { ...DEFAULT_USAGE, ...reply.usage };
  const toolCalls =
    'toolCalls' in reply
      ? reply.toolCalls.map((c, i) => ({ id: `call_${n}_${i}`, type: 'function', function: { name: c.name, arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments) } }))
      : undefined;
  return {
    id: `gen-stub-${n}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: reply.model ?? body.model,
    choices: [{ index: 0, finish_reason: toolCalls ? 'tool_calls' : 'stop', message: { role: 'assistant', content: reply.content ?? null, ...(toolCalls ? { tool_calls: toolCalls } : {}) } }],
    usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
  };
}

function writeStream(res: ServerResponse, completion: ReturnType<typeof chatCompletion>): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const { message, finish_reason } = completion.choices[0]!;
  const frame = (delta: unknown, finish: string | null, extra: object = {}) =>
    res.write(`data: ${JSON.stringify({ id: completion.id, object: 'chat.completion.chunk', created: completion.created, model: completion.model, choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`);
  frame({ role: 'assistant', content: '' }, null);
  const text = message.content ?? '';
  for (let i = 0; i < text.length; i += 16) frame({ content: text.slice(i, i + 16) }, null);
  if (message.tool_calls) frame({ tool_calls: message.tool_calls.map((c, index) => ({ index, ...c })) }, null);
  frame({}, finish_reason, { usage: completion.usage });
  res.end('data: [DONE]\n\n');
}

export async function startLlmStub(): Promise<LlmStub> {
  const requests = new AsyncQueue<StubRequest>();
  const queued: StubReply[] = [];
  const hanging = new Set<ServerResponse>();
  let responder: StubResponder = () => ({ content: STUB_DEFAULT_REPLY });
  let n = 0;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 404, message: 'not found' } }));
      return;
    }
    const request: StubRequest = { path: req.url, headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) };
    n += 1;
    requests.push(request);
    const reply = queued.shift() ?? (await responder(request));
    if ('hang' in reply) {
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      return;
    }
    if ('status' in reply) {
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers }).end(JSON.stringify({ error: reply.error }));
      return;
    }
    if ('errorInside200' in reply) {
      const body = {
        id: `gen-stub-${n}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: request.body.model,
        choices: [{ index: 0, finish_reason: 'error', message: { role: 'assistant', content: '' } }],
        error: { code: 502, message: reply.errorInside200 },
      };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      return;
    }
    const completion = chatCompletion(request.body, reply, n);
    if (request.body.stream) writeStream(res, completion);
    else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(completion));
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 500, message: String(err) } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/v1`,
    requests,
    count: () => n,
    queue: (...replies) => void queued.push(...replies),
    respond: (fn) => void (responder = fn),
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The text of a message the stub received (string content, or the text parts of an array). */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p: { type?: string; text?: string }) => (p.type === 'text' ? (p.text ?? '') : '')).join('');
  return '';
}
