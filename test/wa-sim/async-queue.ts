import { DEFAULT_WAIT_MS, withDeadline } from './deadline.js';

interface Waiter<T> {
  matches: (item: T) => boolean;
  resolve: (item: T) => void;
}

/**
 * Items pushed by the simulator (decrypted messages, receipts…) that a test takes out in order.
 * `take` removes the first matching item, waiting for one if none is there yet.
 */
export class AsyncQueue<T> {
  private readonly items: T[] = [];
  private waiters: Waiter<T>[] = [];

  push(item: T): void {
    const waiter = this.waiters.find((w) => w.matches(item));
    if (waiter) {
      this.waiters = this.waiters.filter((w) => w !== waiter);
      waiter.resolve(item);
      return;
    }
    this.items.push(item);
  }

  /** Everything received so far and not taken. */
  peekAll(): readonly T[] {
    return this.items;
  }

  take(matches: (item: T) => boolean, what: string, timeoutMs = DEFAULT_WAIT_MS): Promise<T> {
    const index = this.items.findIndex(matches);
    if (index >= 0) return Promise.resolve(this.items.splice(index, 1)[0] as T);
    let waiter: Waiter<T> | undefined;
    const arrival = new Promise<T>((resolve) => {
      waiter = { matches, resolve };
      this.waiters.push(waiter);
    });
    return withDeadline(arrival, timeoutMs, what).catch((error: unknown) => {
      this.waiters = this.waiters.filter((w) => w !== waiter);
      throw error;
    });
  }
}
