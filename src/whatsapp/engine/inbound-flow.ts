// How far one socket may read ahead of storage. Baileys receipts a message to WhatsApp before it
// emits it, so every message read and not yet committed is one WhatsApp will never send again:
// what a kill -9 loses, and what a graceful stop must store before it closes. So Baileys gets the
// socket's data (one WebSocket message at a time, in order: the Noise counter needs all of it)
// only while fewer than `high` messages are between the wire and their commit; the rest waits
// here and, with the TCP socket paused, at WhatsApp, unreceipted. Loss and drain stay bounded by
// `high` however fast contacts write; throughput does not suffer, storage being in order per slot.
// The same gate keeps a chat's order (see pump).
import type { BinaryNode, WASocket } from '@whiskeysockets/baileys';

type Listener = (...args: unknown[]) => unknown;
/** The `ws` WebSocket under Baileys' client: `socket` is protected in its types; pause/resume are ws's own. */
type RawSocket = { pause(): void; resume(): void } | null | undefined;

/** A message stanza Baileys refuses (a nack) is never emitted: after this it no longer counts. */
const FORGET_AFTER_MS = 5_000;

export class InboundFlow {
  private readonly queue: unknown[][] = [];
  private readonly baileys: Listener[];
  /** WebSocket messages handed to Baileys that its decoder has not finished with. */
  private decoding = 0;
  /** Message stanzas Baileys read and has not emitted yet: id → when read. */
  private readonly undelivered = new Map<string, number>();
  /** Messages emitted and not yet stored. */
  private waiting = 0;
  private draining = false;
  private pumping = false;
  private again = false;
  private recheck: NodeJS.Timeout | undefined;
  private wakeDrain: (() => void) | undefined;

  constructor(
    private readonly sock: WASocket,
    private readonly high: number,
  ) {
    // Baileys' own 'message' listener decodes the Noise frames; it is called from here instead.
    this.baileys = sock.ws.listeners('message') as Listener[];
    sock.ws.removeAllListeners('message');
    sock.ws.on('message', (...args: unknown[]) => {
      this.queue.push(args);
      this.pump();
    });
  }

  /** A stanza came out of Baileys' decoder. */
  frame(node: BinaryNode | Uint8Array): void {
    if (!(node instanceof Uint8Array) && node.tag === 'message' && node.attrs.id) this.undelivered.set(node.attrs.id, Date.now());
    this.pump();
  }

  /** Baileys emitted these messages (whether or not they are stored: uninteresting ones are done too). */
  emitted(ids: Array<string | null | undefined>): void {
    for (const id of ids) if (id) this.undelivered.delete(id);
    this.pump();
  }

  /** `stored` settles once the storage subscriber is done with the message. */
  track(stored: Promise<void>): void {
    this.waiting += 1;
    void stored.finally(() => {
      this.waiting -= 1;
      this.pump();
    });
  }

  /**
   * For a graceful stop: hands Baileys nothing more (what WhatsApp sent since stays unreceipted
   * and comes again at the next login), lets it finish and emit what it has, and resolves once
   * all of that is stored, or after `timeoutMs`.
   */
  async drain(timeoutMs: number): Promise<void> {
    this.draining = true;
    this.pump();
    const deadline = Date.now() + timeoutMs;
    while (this.inFlight() > 0 && Date.now() < deadline) {
      // A login's backlog waits in Baileys' event buffer for WhatsApp's "offline done", which
      // may now never be read: release it.
      if (this.sock.ev.isBuffering()) this.sock.ev.flush();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(100, Math.max(0, deadline - Date.now())));
        this.wakeDrain = () => (clearTimeout(timer), resolve());
      });
    }
    clearTimeout(this.recheck);
  }

  private inFlight(): number {
    const stale = Date.now() - FORGET_AFTER_MS;
    for (const [id, at] of this.undelivered) if (at < stale) this.undelivered.delete(id);
    return this.decoding + this.undelivered.size + this.waiting;
  }

  private pump(): void {
    // Re-entered from a flush (its upserts report back here): the running pump goes round again.
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.again = false;
        // Closed: Baileys reads nothing more, and what waits here was never receipted.
        if (!this.sock.ws.isOpen) this.queue.length = 0;
        // One message in Baileys' hands at a time: it decrypts them one by one anyway (a mutex), but
        // lets them overtake each other on the way there (LID mapping work of uneven length), which
        // reorders a chat's messages; handed over one at a time they come out in wire order.
        while (this.queue.length && !this.draining && this.inFlight() < this.high && this.decoding + this.undelivered.size === 0) {
          const args = this.queue.shift()!;
          for (const listener of this.baileys) {
            this.decoding += 1;
            // Baileys' listener resolves once it decoded every frame of this data (or kept a partial one).
            void Promise.resolve(listener(...args)).finally(() => {
              this.decoding -= 1;
              this.pump();
            });
          }
        }
        // A login's backlog waits in Baileys' event buffer for WhatsApp's "offline done", which
        // may be held back here behind it: release it.
        if (this.queue.length && this.undelivered.size && this.sock.ev.isBuffering()) this.sock.ev.flush();
      } while (this.again);
    } finally {
      this.pumping = false;
    }
    const held = this.queue.length > 0;
    this.pauseReading(held);
    clearTimeout(this.recheck);
    // Held back by stanzas that may never be emitted: look again once they no longer count.
    if (held && !this.draining) this.recheck = setTimeout(() => this.pump(), FORGET_AFTER_MS).unref();
    if (this.inFlight() === 0) this.wakeDrain?.();
  }

  private pauseReading(paused: boolean): void {
    const raw = (this.sock.ws as unknown as { socket?: RawSocket }).socket;
    if (paused) raw?.pause();
    else raw?.resume();
  }
}
