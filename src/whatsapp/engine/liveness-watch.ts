// Evidence that a "connected" socket is really alive: frames keep arriving (the keepalive pings
// guarantee some), and what we send gets an answer from the server. Peers show slots as
// connected for days while nothing moves; this is what tells such a socket apart.

export interface LivenessWindows {
  /** No frame for this long: dead. Must exceed the keepalive interval. */
  livenessWindowMs: number;
  /** A send with no server answer for this long: dead. */
  sendAckTimeoutMs: number;
}

export class LivenessWatch {
  private lastFrameAt: number;
  private readonly unanswered = new Map<string, number>();

  constructor(
    private readonly windows: LivenessWindows,
    now = Date.now(),
  ) {
    this.lastFrameAt = now;
  }

  /** A new socket starts with a clean slate. */
  reset(now = Date.now()): void {
    this.lastFrameAt = now;
    this.unanswered.clear();
  }

  frame(now = Date.now()): void {
    this.lastFrameAt = now;
  }

  sent(messageId: string, at: number): void {
    this.unanswered.set(messageId, at);
  }

  /** The server answered (acked, delivered, read, or even refused) the message. */
  answered(messageId: string): void {
    this.unanswered.delete(messageId);
  }

  /** Why the socket should be rebuilt, or undefined while it looks alive. */
  verdict(now = Date.now()): string | undefined {
    const silentFor = now - this.lastFrameAt;
    if (silentFor > this.windows.livenessWindowMs) return `no frame received for ${silentFor} ms`;
    for (const [id, at] of this.unanswered) {
      if (now - at > this.windows.sendAckTimeoutMs) return `send ${id} not acknowledged for ${now - at} ms`;
    }
    return undefined;
  }
}
