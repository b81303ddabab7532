// Fetches the media a send names by URL: bounded in time and size, and refused for private,
// loopback and link-local targets (checked on the address actually connected to, so a DNS name
// that resolves inward is refused too) unless the operator allows it.
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { guardedLookup, isInwardAddress } from '../egress/index.js';
import { AppError, ErrorCode } from '../kernel/index.js';

export interface MediaFetchOptions {
  maxBytes: number;
  timeoutMs: number;
  /** Tests and trusted LANs only: fetch from private and loopback addresses too. */
  allowPrivate: boolean;
}

const MAX_REDIRECTS = 3;

const refused = (message: string) => new AppError(ErrorCode.VALIDATION_FAILED, message, [{ path: ['url'], message }]);

function getOnce(url: URL, opts: MediaFetchOptions, deadline: number): Promise<{ redirect?: string; body?: Buffer; mimetype?: string }> {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.get(url, { lookup: guardedLookup(opts.allowPrivate), timeout: Math.max(1, deadline - Date.now()) }, (response) => {
      const status = response.statusCode ?? 0;
      if (status >= 300 && status < 400 && response.headers.location) {
        response.resume();
        return resolve({ redirect: new URL(response.headers.location, url).toString() });
      }
      if (status !== 200) {
        response.resume();
        return reject(refused(`the media URL answered ${status}`));
      }
      const declared = Number(response.headers['content-length'] ?? 0);
      if (declared > opts.maxBytes) {
        response.destroy();
        return reject(refused(`the media is over the ${opts.maxBytes}-byte limit`));
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > opts.maxBytes) response.destroy(refused(`the media is over the ${opts.maxBytes}-byte limit`));
        else chunks.push(chunk);
      });
      response.on('error', reject);
      response.on('end', () => resolve({ body: Buffer.concat(chunks), mimetype: response.headers['content-type']?.split(';')[0]?.trim() }));
    });
    request.on('timeout', () => request.destroy(refused(`the media URL did not answer within ${opts.timeoutMs} ms`)));
    request.on('error', (err: NodeJS.ErrnoException) => {
      if (err instanceof AppError) return reject(err);
      if (err.code === 'EPRIVATE') return reject(refused('the media URL points at a private or loopback address'));
      reject(refused(`the media URL could not be fetched (${err.code ?? err.message})`));
    });
  });
}

/** The bytes (and the server's content type) behind a media URL. */
export async function fetchMedia(rawUrl: string, opts: MediaFetchOptions): Promise<{ bytes: Buffer; mimetype?: string }> {
  const deadline = Date.now() + opts.timeoutMs;
  let url = new URL(rawUrl);
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw refused('the media URL must be http or https');
    // An address literal is connected to without a lookup: check it here.
    const literal = url.hostname.replace(/^\[|\]$/g, '');
    if (!opts.allowPrivate && isIP(literal) && isInwardAddress(literal)) throw refused('the media URL points at a private or loopback address');
    const got = await getOnce(url, opts, deadline);
    if (got.body) return { bytes: got.body, mimetype: got.mimetype };
    url = new URL(got.redirect!);
  }
  throw refused(`the media URL redirected more than ${MAX_REDIRECTS} times`);
}
