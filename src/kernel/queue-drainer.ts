// The in-process half of a durable queue whose rows any process claims (FOR UPDATE SKIP LOCKED
// and a lease): up to `concurrency` runners, each claiming and handling one row at a time until
// the queue has nothing due, plus one timer for the earliest retry the rows were given. The rows
// (and their schedule) are the caller's; this only decides when to look again. Used by the media
// downloads and the other channels' sends.

/**
 * Claims and handles at most one row. Calls `claimed()` as soon as it holds one (so another runner
 * may claim the next in parallel); resolves true when it handled a row (look for more), false when
 * nothing was due. Never rejects: failures are the caller's to log and schedule.
 */
export type DrainStep = (claimed: () => void) => Promise<boolean>;

export class QueueDrainer {
  private running = 0;
  /** A kick came while every runner was busy: the look it asked for may not have seen its row. */
  private missed = false;
  private stopped = false;
  private wake?: NodeJS.Timeout;
  private wakeAt = Infinity;
  private scan?: NodeJS.Timeout;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly step: DrainStep,
    private readonly concurrency: number,
  ) {}

  /** Look for work now: starts one more runner while under the concurrency. */
  kick(): void {
    const release = this.hold();
    if (!release) return;
    this.track(
      this.step(() => queueMicrotask(() => this.kick()))
        .catch(() => false)
        .then(release),
    );
  }

  /**
   * Takes a runner for work the caller already has in hand (a row it claimed as it wrote it), or
   * null when every runner is busy or the drainer stopped. Call the release once, with whether a
   * row was handled; the runner then carries on as kick()'s do. Track the work for stop().
   */
  hold(): ((handled: boolean) => void) | null {
    if (this.stopped) return null;
    if (this.running >= this.concurrency) {
      this.missed = true;
      return null;
    }
    this.running++;
    let released = false;
    return (handled) => {
      if (released) return;
      released = true;
      this.running--;
      // Counted out first, so a runner that handled a row always carries on (even at concurrency 1),
      // and one that found nothing looks once more if it was asked to while it looked.
      if (handled || this.missed) {
        this.missed = false;
        this.kick();
      }
    };
  }

  /**
   * Takes up to `max` idle runners for rows a runner is about to claim beside its own (one claim
   * statement for several rows), without asking for a look when none is idle. Release each as
   * hold()'s are.
   */
  holdIdle(max: number): Array<(handled: boolean) => void> {
    const held: Array<(handled: boolean) => void> = [];
    while (held.length < max && !this.stopped && this.running < this.concurrency) held.push(this.hold()!);
    return held;
  }

  /** stop() waits for `work` too. */
  track(work: Promise<unknown>): void {
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    this.inFlight.add(settled);
    void settled.then(() => this.inFlight.delete(settled));
  }

  /** Look again in `ms` (a retry falls due then); one timer, for the earliest such moment. */
  later(ms: number): void {
    const at = Date.now() + ms;
    if (this.stopped || at >= this.wakeAt) return;
    clearTimeout(this.wake);
    this.wakeAt = at;
    this.wake = setTimeout(() => {
      this.wakeAt = Infinity;
      this.kick();
    }, ms);
    this.wake.unref();
  }

  /**
   * Looks now and every `ms` after: the rows this process was not told of (queued by other
   * processes, retries falling due, leases of processes that died). Once; stop() ends it.
   */
  scanEvery(ms: number): void {
    if (this.stopped || this.scan) return;
    this.scan = setInterval(() => this.kick(), ms);
    this.scan.unref();
    this.kick();
  }

  /** Waits for the rows being handled; no new one is claimed. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.wake);
    clearInterval(this.scan);
    await Promise.allSettled([...this.inFlight]);
  }

  get isStopped(): boolean {
    return this.stopped;
  }
}
