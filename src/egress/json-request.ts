// One JSON request to a site a store names (its WordPress): the same guards as every request we
// make on a store's behalf (checkTargetUrl before, the guarded lookup at connect time, redirects
// not followed), a deadline on the whole exchange rather than on socket idleness (a site that
// drips one byte a second would otherwise hold a tool call forever), and a cap on the answer's
// size, since it is parsed in memory. Any status is answered; only failing to get a JSON answer
// throws. Messages name the host and path, never headers (they carry the credentials).
import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { AppError, ErrorCode } from '../kernel/index.js';
import { guardedLookup } from './inward-address.js';
import { checkTargetUrl } from './target-url.js';

const DEFAULT_MAX_BYTES = 2 * 1024 * 1024;

export interface JsonRequestOptions {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  headers?: Record<string, string>;
  /** Sent as JSON when given. */
  body?: unknown;
  allowPrivate: boolean;
  /** From the request to the last byte of the answer. */
  timeoutMs: number;
  /** The largest answer taken, in bytes; default 2 MB. */
  maxBytes?: number;
  /** What a refused URL is called in the 400's details; default `url`. */
  field?: string;
}

export interface JsonResponse {
  status: number;
  /** The parsed JSON; null for an empty answer (a 204). */
  body: unknown;
  headers: IncomingHttpHeaders;
}

/** What the site is called in a message: origin and path, no query (it may carry what a user typed). */
const nameOf = (url: URL) => `${url.origin}${url.pathname}`;

const unavailable = (message: string, cause?: unknown) => new AppError(ErrorCode.SERVICE_UNAVAILABLE, message, undefined, { cause });

/** Why a connection failed, in words (the error's message can carry addresses; its code is enough). */
function failureOf(code: string | undefined, where: string, timeoutMs: number): string {
  switch (code) {
    case 'EPRIVATE': return `${where} resolves to a private or loopback address, which may not be reached`;
    case 'ETIMEDOUT': return `${where} did not answer within ${timeoutMs} ms`;
    case 'ECONNREFUSED': return `${where} refused the connection`;
    case 'ENOTFOUND': case 'EAI_AGAIN': return `${where}: the host does not resolve`;
    case 'ECONNRESET': return `${where} closed the connection`;
    default: return `${where} could not be reached (${code ?? 'connection failed'})`;
  }
}

/** Throws a 400 for a URL we may not request, a 503 when no JSON answer came back. */
export async function requestJson(rawUrl: string, opts: JsonRequestOptions): Promise<JsonResponse> {
  checkTargetUrl(rawUrl, opts.allowPrivate, opts.field ?? 'url');
  const url = new URL(rawUrl);
  const where = nameOf(url);
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  const headers: Record<string, string | number> = { accept: 'application/json', ...opts.headers };
  if (payload !== undefined) Object.assign(headers, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
  const client = url.protocol === 'https:' ? https : http;

  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      outcome();
    };
    // Settled first, then torn down: whatever the teardown emits afterwards is ignored.
    const fail = (err: AppError) => {
      settle(() => reject(err));
      request.destroy();
    };

    const request = client.request(url, { method: opts.method, headers, lookup: guardedLookup(opts.allowPrivate) }, (response) => {
      const status = response.statusCode ?? 0;
      if (status >= 300 && status < 400) {
        response.resume();
        const location = response.headers.location;
        const to = location && URL.canParse(location, url.href) ? ` to ${nameOf(new URL(location, url))}` : '';
        return fail(unavailable(`${where} answered a redirect (HTTP ${status}${to}), which is not followed: use the address it points to`));
      }
      if (Number(response.headers['content-length'] ?? 0) > maxBytes) return fail(unavailable(`${where} answered more than ${maxBytes} bytes`));
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) return fail(unavailable(`${where} answered more than ${maxBytes} bytes`));
        chunks.push(chunk);
      });
      response.on('error', (err: NodeJS.ErrnoException) => fail(unavailable(failureOf(err.code, where, opts.timeoutMs), err)));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = null;
        try {
          if (text.trim()) body = JSON.parse(text);
        } catch (err) {
          return fail(unavailable(`${where} did not answer JSON (HTTP ${status})`, err));
        }
        settle(() => resolve({ status, body, headers: response.headers }));
      });
    });
    const deadline = setTimeout(() => fail(unavailable(failureOf('ETIMEDOUT', where, opts.timeoutMs))), opts.timeoutMs);
    request.on('error', (err: NodeJS.ErrnoException) => fail(unavailable(failureOf(err.code, where, opts.timeoutMs), err)));
    request.end(payload);
  });
}
