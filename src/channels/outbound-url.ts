// The store's outbound URL (its n8n webhook): what one may be, and the one POST we make to it.
// A store names the URL, so the daemon must not become its way into our own network: https only,
// and no private, loopback or link-local target — checked on the address literal when the URL is
// set, and on every address the name resolves to when we connect (outbound's guarded lookup), so
// a DNS name that points inward later is refused too. CHANNELS_ALLOW_PRIVATE_URLS lifts both
// (tests, trusted LANs). Redirects are not followed: a 3xx is a failed attempt.
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { AppError, ErrorCode } from '../kernel/index.js';
import { guardedLookup, isInwardAddress } from '../outbound/index.js';

const refused = (message: string) => new AppError(ErrorCode.VALIDATION_FAILED, message, [{ path: ['outboundUrl'], message }]);

/** Throws a 400 naming what is wrong with `raw` as an outbound URL. */
export function checkOutboundUrl(raw: string, allowPrivate: boolean): void {
  const url = new URL(raw);
  if (url.protocol !== 'https:' && !(allowPrivate && url.protocol === 'http:')) throw refused('the outbound URL must be https');
  // It is shown back by GET and kept in plaintext: credentials belong in the signature, not here.
  if (url.username || url.password) throw refused('the outbound URL must not carry a user or password');
  if (allowPrivate) return;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost') || (isIP(host) && isInwardAddress(host))) {
    throw refused('the outbound URL points at a private or loopback address');
  }
}

export interface PostOutcome {
  ok: boolean;
  /** Why it failed: `HTTP 500`, `timeout`, `ECONNREFUSED`… (never the response body). */
  error?: string;
}

/** POSTs one JSON body; never throws. Only the status matters: the response body is discarded. */
export function postJson(rawUrl: string, body: string, headers: Record<string, string>, opts: { allowPrivate: boolean; timeoutMs: number }): Promise<PostOutcome> {
  let url: URL;
  try {
    url = new URL(rawUrl);
    checkOutboundUrl(rawUrl, opts.allowPrivate);
  } catch (err) {
    return Promise.resolve({ ok: false, error: err instanceof Error ? err.message : 'bad outbound URL' });
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
        resolve(status >= 200 && status < 300 ? { ok: true } : { ok: false, error: `HTTP ${status}` });
      },
    );
    request.on('timeout', () => request.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    request.on('error', (err: NodeJS.ErrnoException) => {
      resolve({ ok: false, error: err.code === 'EPRIVATE' ? 'the outbound URL resolves to a private or loopback address' : (err.code ?? err.message) });
    });
    request.end(body);
  });
}
