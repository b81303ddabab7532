import { createHash, randomBytes, randomInt } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type https from 'node:https';
import type { AddressInfo } from 'node:net';
import {
  getWAUploadToServer,
  type BinaryNode,
  type MediaConnInfo,
  type UserFacingSocketConfig,
  type WAMediaUploadFunction,
} from '@whiskeysockets/baileys';
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici-types';
import { makeSelfSignedCert } from './media-cert.js';
import { routeMediaTo } from '../../src/messages/media-route.js';

/** The host WhatsApp puts in media URLs; Baileys falls back to it when a message has no `url`. */
export const MEDIA_HOSTNAME = 'mmg.whatsapp.net';
const MAX_UPLOAD_BYTES = 100 * 1024 * 1024;
const UPLOAD_PATH = /^\/mms\/([a-z-]+)\/([A-Za-z0-9_-]+)$/;

/** base64url without padding: how Baileys (and WhatsApp) name an upload by its encrypted sha256 */
const uploadToken = (bytes: Buffer) => createHash('sha256').update(bytes).digest('base64url');

/**
 * WhatsApp's media servers on loopback: an HTTPS server (self-signed certificate made at start)
 * that takes uploads at `/mms/<type>/<token>?auth=…` and serves the stored ciphertext at the
 * direct path it answered with. It never sees plaintext: the blobs are what the client encrypted
 * (AES-256-CBC + HMAC with keys from the media key), so a download proves real media encryption.
 */
export class MediaHost {
  /** the `auth` of `<media_conn>`; an upload without it is refused (401) */
  readonly auth = randomBytes(24).toString('base64url');
  readonly dispatcher: Dispatcher;
  readonly uploadAgent: https.Agent;
  private readonly blobs = new Map<string, Buffer>();
  private uploadsSeen = 0;

  private constructor(
    private readonly server: Server,
    /** the PEM a client must trust (WA_MEDIA_CA for the daemon) */
    readonly certPem: string,
    private readonly log: Logger,
  ) {
    // The daemon's own test-only route (WA_MEDIA_HOST), so the simulator's clients reach it the same way.
    const route = routeMediaTo({ host: `127.0.0.1:${this.port}`, caPem: certPem });
    this.dispatcher = route.requestInit.dispatcher;
    this.uploadAgent = route.uploadAgent;
  }

  static async start(log: Logger): Promise<MediaHost> {
    const { certPem, keyPem } = await makeSelfSignedCert();
    let host: MediaHost | undefined;
    const server = createServer({ cert: certPem, key: keyPem }, (request, response) => {
      host!.handle(request, response).catch((error: unknown) => {
        log.warn({ err: error, url: request.url }, 'media host request failed');
        if (!response.headersSent) response.writeHead(500);
        response.end();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    host = new MediaHost(server, certPem, log.child({ component: 'media-host' }));
    return host;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** where every media connection really goes (WA_MEDIA_HOST for the daemon) */
  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** RequestInit for Baileys' downloads: socket config `options`, `downloadMediaMessage`'s `options` */
  get fetchOptions(): RequestInit & { dispatcher: Dispatcher } {
    return { dispatcher: this.dispatcher };
  }

  /** What a client's socket config needs to upload to and download from this host. */
  socketConfig(): Pick<UserFacingSocketConfig, 'fetchAgent' | 'options'> {
    return { fetchAgent: this.uploadAgent, options: this.fetchOptions as RequestInit };
  }

  /** The answer to `<iq xmlns="w:m"><media_conn/></iq>`. */
  connNode(): BinaryNode {
    return {
      tag: 'media_conn',
      attrs: { auth: this.auth, ttl: '300', auth_ttl: '21600', max_buckets: '12' },
      content: [{ tag: 'host', attrs: { hostname: MEDIA_HOSTNAME, maxContentLengthBytes: `${MAX_UPLOAD_BYTES}` } }],
    };
  }

  /** Baileys' own uploader pointed at this host, for fake contacts sending media. */
  uploader(logger: Logger): WAMediaUploadFunction {
    const info: MediaConnInfo = { auth: this.auth, ttl: 300, hosts: [{ hostname: MEDIA_HOSTNAME, maxContentLengthBytes: MAX_UPLOAD_BYTES }], fetchDate: new Date() };
    // the uploader reads only these four fields of the socket config
    const config = { customUploadHosts: [], fetchAgent: this.uploadAgent, logger, options: {} };
    return getWAUploadToServer(config as unknown as Parameters<typeof getWAUploadToServer>[0], async () => info);
  }

  /** Ciphertext stored at a direct path (or URL), if any. */
  blob(directPathOrUrl: string): Buffer | undefined {
    return this.blobs.get(pathOf(directPathOrUrl));
  }

  /** Forgets a blob, as WhatsApp does after a while: the next download of it gets 404. */
  remove(directPathOrUrl: string): boolean {
    return this.blobs.delete(pathOf(directPathOrUrl));
  }

  /** uploads accepted since start */
  uploads(): number {
    return this.uploadsSeen;
  }

  async close(): Promise<void> {
    this.uploadAgent.destroy();
    await this.dispatcher.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'https://media.invalid');
    const upload = UPLOAD_PATH.exec(url.pathname);
    if (request.method === 'POST' && upload) return this.acceptUpload(request, response, upload[1]!, upload[2]!, url);
    if (request.method === 'GET') {
      const blob = this.blobs.get(url.pathname);
      if (!blob) return void response.writeHead(404).end();
      response.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': blob.length }).end(blob);
      return;
    }
    response.writeHead(405).end();
  }

  private async acceptUpload(request: IncomingMessage, response: ServerResponse, type: string, token: string, url: URL) {
    const reply = (status: number, body: object) =>
      response.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    if (url.searchParams.get('auth') !== this.auth) return void reply(401, { error: 'bad auth' });
    const body = await readBody(request, MAX_UPLOAD_BYTES);
    if (!body) return void reply(413, { error: 'too large' });
    // the token names the encrypted file by its sha256, as WhatsApp checks it
    if (uploadToken(body) !== token) return void reply(400, { error: 'token does not match the body' });
    const directPath = `/v/t62.7118-24/${randomInt(10_000_000, 99_999_999)}_${randomBytes(8).toString('hex')}_n.enc`;
    this.blobs.set(directPath, body);
    this.uploadsSeen++;
    const query = `?ccb=11-4&oh=${randomBytes(16).toString('hex')}&oe=${Math.floor(Date.now() / 1000 + 86_400).toString(16)}&_nc_sid=5e03e0&mms3=true`;
    this.log.debug({ type, directPath, bytes: body.length }, 'media uploaded');
    reply(200, { url: `https://${MEDIA_HOSTNAME}${directPath}${query}`, direct_path: `${directPath}${query}` });
  }
}

function pathOf(directPathOrUrl: string): string {
  return new URL(directPathOrUrl, 'https://media.invalid').pathname;
}

async function readBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > limit) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
