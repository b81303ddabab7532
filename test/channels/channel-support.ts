// What the channel tests share: a store with its channel secret, signed posts to the webhooks
// (Standard Webhooks, as n8n would sign them), and a loopback server standing in for the store's
// n8n outbound webhook, which verifies every signature with the standardwebhooks library.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { AppHarness } from '../support/app-harness.js';

export interface ChannelStore {
  storeId: string;
  apiKey: string;
  secret: string;
}

export async function makeChannelStore(h: AppHarness, name: string): Promise<ChannelStore> {
  const store = await h.services.stores.create(name, { actor: 'admin' });
  const res = await h.request('POST', `/api/client/${store.storeId}/channels/secret`, { key: store.apiKey });
  if (res.status !== 200) throw new Error(`secret: ${res.status} ${JSON.stringify(res.body)}`);
  return { storeId: store.storeId, apiKey: store.apiKey, secret: res.body.secret };
}

/** POSTs `body` signed with `secret` (or with the headers `sign` makes of it). */
export function signedPost(h: AppHarness, path: string, secret: string, body: unknown, opts: { at?: Date; id?: string; headers?: Record<string, string> } = {}) {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const at = opts.at ?? new Date();
  const id = opts.id ?? `msg_${randomUUID()}`;
  const headers = {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, at, raw),
    ...opts.headers,
  };
  return h.request('POST', path, { rawBody: raw, headers });
}

export interface Delivery {
  headers: http.IncomingHttpHeaders;
  body: any;
  verified: boolean;
  answered: number;
}

/**
 * The store's n8n: answers each POST with the next scripted status (then `fallback`), records it,
 * and resolves the waits of whoever asked for the nth delivery.
 */
export class FakeN8n {
  readonly deliveries: Delivery[] = [];
  private readonly waiters: { count: number; resolve: () => void }[] = [];
  private server?: http.Server;
  url = '';
  script: number[] = [];
  fallback = 200;

  /** `secretOf`: the channel secret of the store a payload names. */
  constructor(private readonly secretOf: (storeId: string) => string | undefined) {}

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const body = JSON.parse(raw);
        let verified = false;
        try {
          new Webhook(this.secretOf(body.storeId) ?? 'whsec_bm9uZQ==').verify(raw, req.headers as Record<string, string>);
          verified = true;
        } catch {
          /* recorded as unverified */
        }
        const answered = this.script.shift() ?? this.fallback;
        this.deliveries.push({ headers: req.headers, body, verified, answered });
        res.writeHead(answered).end();
        for (const w of this.waiters.filter((w) => this.deliveries.length >= w.count)) w.resolve();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhook/outbound`;
  }

  /** Resolves once `count` deliveries have arrived in all (fails the test after `timeoutMs`). */
  until(count: number, timeoutMs = 30_000): Promise<void> {
    if (this.deliveries.length >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`waited for delivery #${count}, got ${this.deliveries.length}`)), timeoutMs);
      this.waiters.push({ count, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

/** Rows a store has in the tables channel traffic writes. */
export async function channelRowCounts(h: AppHarness, storeId: string) {
  const where = { storeId };
  const p = h.db.prisma;
  const [contacts, identities, conversations, messages, sends, events] = await Promise.all([
    p.contact.count({ where }),
    p.contactIdentity.count({ where }),
    p.conversation.count({ where }),
    p.message.count({ where }),
    p.channelSend.count({ where }),
    p.messageStatusEvent.count({ where }),
  ]);
  return { contacts, identities, conversations, messages, sends, events };
}
