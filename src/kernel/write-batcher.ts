// Natural batching for the hot writes (a message row, a Signal session): while one batch is in
// the database, the writes that arrive wait and then go together as the next batch. An idle
// process sends each write at once, alone, so batching never adds latency; a busy one sends fewer,
// bigger statements (fewer round trips, fewer commits), and the busier it is, the bigger they get.
// DataLoader does the collecting; the schedule (wait for the batch in flight) is ours.
import DataLoader from 'dataloader';

export interface WriteBatcherOptions {
  /** A batch holds at most this many writes; more wait for the next. */
  maxBatchSize: number;
}

/**
 * `write` gets the batch in submission order and answers one result (or Error) per item, in the
 * same order. A throw fails every item of the batch.
 */
export type BatchWrite<I, O> = (items: readonly I[]) => Promise<ReadonlyArray<O | Error>>;

export function createWriteBatcher<I, O>(write: BatchWrite<I, O>, options: WriteBatcherOptions): (item: I) => Promise<O> {
  let inFlight: Promise<unknown> = Promise.resolve();
  const loader = new DataLoader<I, O>(
    (items) => {
      const done = write(items);
      inFlight = done.catch(() => undefined);
      return done;
    },
    {
      cache: false, // every write is new: nothing to share between two submissions
      maxBatchSize: options.maxBatchSize,
      // A batch is sent once the one before it is back; writes submitted meanwhile join it.
      batchScheduleFn: (send) => void inFlight.then(send),
    },
  );
  return (item) => loader.load(item);
}
