// A webhook receiver on loopback, as a store's developer would write one: it verifies every call
// with the standardwebhooks library and the hook's secret alone, dedups by webhook-id, and
// answers with the statuses a test scripts. It can go down (connections refused) and come back on
// the same port. `verify: false` is a receiver that ignores signatures, as Evolution API clients
// do: it takes any JSON body, dedup by the webhook-id header still.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { AsyncQueue } from '../wa-sim/async-queue.js';

export interface ReceivedCall {
  headers: http.IncomingHttpHeaders;
  raw: string;
  /** The parsed body, when it verified. */
  body: { id: string; type: string; storeId: string; timestamp: string; data: Record<string, any> } | null;
  verified: boolean;
  answered: number;
  /** The request's path (an Evolution hook by events posts to <url>/<event>). */
  path: string;
}

export class WebhookReceiver {
  readonly calls: ReceivedCall[] = [];
  readonly queue = new AsyncQueue<ReceivedCall>();
  /** Event ids in the order each was first accepted (2xx), once each: the receiver's dedup. */
  readonly accepted: string[] = [];
  script: number[] = [];
  fallback = 200;
  secret = '';
  private server?: http.Server;
  private port = 0;
  private held: Array<() => void> = [];
  private holdUntil = 0;

  constructor(private readonly options: { verify: boolean } = { verify: true }) {}

  /**
   * Answers nothing until `n` calls are open at once, then all of them (and every later call at
   * once): proof that more than one client was delivering at the same time.
   */
  holdUntilConcurrent(n: number): void {
    this.holdUntil = n;
  }

  /** Answers nothing until release(): a receiver that hangs (the daemon's timeout set above the test's). */
  hold(): void {
    this.holdUntil = Infinity;
  }

  /** Answers every call held, and every later one at once. */
  release(): void {
    this.holdUntil = 0;
    this.held.splice(0).forEach((a) => a());
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        let body: ReceivedCall['body'] = null;
        try {
          body = this.options.verify ? (new Webhook(this.secret).verify(raw, req.headers as Record<string, string>) as ReceivedCall['body']) : JSON.parse(raw);
        } catch {
          body = null;
        }
        const answered = body ? (this.script.shift() ?? this.fallback) : 401;
        const id = this.options.verify ? body?.id : String(req.headers['webhook-id']);
        if (body && id && answered < 300 && !this.accepted.includes(id)) this.accepted.push(id);
        const answer = () => {
          const call = { headers: req.headers, raw, body, verified: this.options.verify && body !== null, answered, path: req.url ?? '' };
          this.calls.push(call);
          this.queue.push(call);
          res.writeHead(answered, { 'content-type': 'text/plain' }).end('ok');
        };
        if (!this.holdUntil) return answer();
        this.held.push(answer);
        if (this.held.length >= this.holdUntil) {
          this.holdUntil = 0;
          this.held.splice(0).forEach((a) => a());
        }
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** Connections are refused until up(). */
  async down(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  async up(): Promise<void> {
    await this.start();
  }

  async stop(): Promise<void> {
    await this.down();
  }

  /** Resolves once `n` distinct events have been accepted. */
  async untilAccepted(n: number, timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.accepted.length < n) {
      if (Date.now() > deadline) throw new Error(`waited for ${n} accepted events, got ${this.accepted.length}`);
      await this.queue.take(() => true, 'a webhook call', Math.max(1, deadline - Date.now())).catch(() => undefined);
    }
  }
}
