// Work that must not overlap per key (per slot): one serial p-queue per key with work in flight,
// dropped once it empties so idle keys cost nothing.
import PQueue from 'p-queue';

export class KeyedSerialQueue {
  private readonly queues = new Map<string, PQueue>();

  /** Runs `task` after every task queued before it under the same key. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    let queue = this.queues.get(key);
    if (!queue) {
      const created = new PQueue({ concurrency: 1 });
      created.on('idle', () => {
        if (this.queues.get(key) === created) this.queues.delete(key);
      });
      this.queues.set(key, created);
      queue = created;
    }
    return queue.add(task) as Promise<T>;
  }

  /** Resolves when nothing is queued under `key` (or under any key). */
  async idle(key?: string): Promise<void> {
    if (key !== undefined) {
      await this.queues.get(key)?.onIdle();
      return;
    }
    while (this.queues.size) await Promise.all([...this.queues.values()].map((q) => q.onIdle()));
  }
}
