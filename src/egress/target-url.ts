// A URL a store names for us to POST to (its n8n for other channels, its webhooks): what one may
// be, and the one POST we make to it. The daemon must not become the store's way into our own
// network: https only, and no private, loopback or link-local target — checked on the address
// literal when the URL is set, and on every address the name resolves to when we connect
// (outbound's guarded lookup), so a DNS name that points inward later is refused too. A setting
// (CHANNELS_ALLOW_PRIVATE_URLS, WEBHOOKS_ALLOW_PRIVATE_URLS) lifts both for tests and trusted
// LANs. Redirects are not followed: a 3xx is a failed attempt.
import http from 'node:http';
import https from 'node:https';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { AppError, ErrorCode } from '../kernel/index.js';
import { guardedLookup, isInwardAddress } from './inward-address.js';
import { signedHeaders } from './standard-webhooks.js';

/** A 400 naming `field`. */
const refusedAt = (field: string) => (message: string) => new AppError(ErrorCode.VALIDATION_FAILED, message, [{ path: [field], message }]);

/** The host without an IPv6 literal's brackets. */
const hostOf = (url: URL) => url.hostname.replace(/^\[|\]$/g, '');

/** Throws a 400 naming what is wrong with `raw` as a target URL; `field` names it in the error. */
export function checkTargetUrl(raw: string, allowPrivate: boolean, field = 'outboundUrl'): void {
  const refused = refusedAt(field);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refused('the URL is not valid');
  }
  if (url.protocol !== 'https:' && !(allowPrivate && url.protocol === 'http:')) throw refused('the URL must be https');
  // It is shown back by GET and kept in plaintext: credentials belong in the signature, not here.
  if (url.username || url.password) throw refused('the URL must not carry a user or password');
  if (allowPrivate) return;
  const host = hostOf(url);
  if (host === 'localhost' || host.endsWith('.localhost') || (isIP(host) && isInwardAddress(host))) {
    throw refused('the URL points at a private or loopback address');
  }
}

/**
 * checkTargetUrl, then every address the host resolves to now: a name that points inward is
 * refused when it is saved, as it is again whenever we connect (DNS can change).
 */
export async function checkTargetAddress(raw: string, allowPrivate: boolean, field = 'url'): Promise<void> {
  checkTargetUrl(raw, allowPrivate, field);
  if (allowPrivate) return;
  const host = hostOf(new URL(raw));
  if (isIP(host)) return;
  const refused = refusedAt(field);
  const addresses = await lookup(host, { all: true }).catch(() => {
    throw refused('the URL\'s host does not resolve');
  });
  if (addresses.some((a) => isInwardAddress(a.address))) throw refused('the URL resolves to a private or loopback address');
}

export interface PostOutcome {
  ok: boolean;
  /** The response's status, when there was one. */
  status?: number;
  /** Why it failed: `HTTP 500`, `timeout`, `ECONNREFUSED`… (never the response body). */
  error?: string;
  /** From the request to the response's status (or the failure). */
  latencyMs: number;
}

/**
 * POSTs one JSON body signed the Standard Webhooks way under `webhookId` (a retry reuses it), with
 * the receiver's own extra headers; never throws.
 */
export function postSigned(rawUrl: string, signed: { secret: string; webhookId: string; body: string; headers?: Record<string, string> }, opts: { allowPrivate: boolean; timeoutMs: number }): Promise<PostOutcome> {
  return postJson(rawUrl, signed.body, { ...signed.headers, ...signedHeaders(signed.secret, signed.webhookId, signed.body) }, opts);
}

/** POSTs one JSON body; never throws. Only the status matters: the response body is discarded. */
export function postJson(rawUrl: string, body: string, headers: Record<string, string>, opts: { allowPrivate: boolean; timeoutMs: number }): Promise<PostOutcome> {
  const started = performance.now();
  const latencyMs = () => Math.round(performance.now() - started);
  let url: URL;
  try {
    checkTargetUrl(rawUrl, opts.allowPrivate);
    url = new URL(rawUrl);
  } catch (err) {
    return Promise.resolve({ ok: false, error: err instanceof Error ? err.message : 'bad URL', latencyMs: 0 });
  }
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    const request = client.request(
      url,
      {
        method: 'POST',
        lookup: guardedLookup(opts.allowPrivate),
        timeout: opts.timeoutMs,
        headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        response.resume();
        const status = response.statusCode ?? 0;
        resolve(status >= 200 && status < 300 ? { ok: true, status, latencyMs: latencyMs() } : { ok: false, status, error: `HTTP ${status}`, latencyMs: latencyMs() });
      },
    );
    request.on('timeout', () => request.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    request.on('error', (err: NodeJS.ErrnoException) => {
      resolve({ ok: false, error: err.code === 'EPRIVATE' ? 'the URL resolves to a private or loopback address' : (err.code ?? err.message), latencyMs: latencyMs() });
    });
    request.end(body);
  });
}
