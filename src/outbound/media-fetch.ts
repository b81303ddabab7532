// Fetches the media a send names by URL: bounded in time and size, and refused for private,
// loopback and link-local targets (checked on the address actually connected to, so a DNS name
// that resolves inward is refused too) unless the operator allows it.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { AppError, ErrorCode } from '../kernel/index.js';

export interface MediaFetchOptions {
  maxBytes: number;
  timeoutMs: number;
  /** Tests and trusted LANs only: fetch from private and loopback addresses too. */
  allowPrivate: boolean;
}

const MAX_REDIRECTS = 3;

const INWARD = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16],
  ['172.16.0.0', 12], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) INWARD.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) INWARD.addSubnet(net, bits, 'ipv6');

export function isInwardAddress(address: string): boolean {
  // An IPv4-mapped IPv6 address is the IPv4 address it carries.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return isInwardAddress(mapped);
  const family = isIP(address);
  if (family === 0) return true;
  return INWARD.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

const refused = (message: string) => new AppError(ErrorCode.VALIDATION_FAILED, message, [{ path: ['url'], message }]);

/** A lookup that fails the connection when the name resolves to an address we may not reach. */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      const usable = allowPrivate ? addresses : addresses.filter((a) => !isInwardAddress(a.address));
      if (!usable.length) return callback(Object.assign(new Error('private address'), { code: 'EPRIVATE' }), '', 0);
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, usable);
      callback(null, usable[0]!.address, usable[0]!.family);
    });
  };
}

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
