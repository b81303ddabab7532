// What the inbound-pipeline bench's child processes (the daemon, the bare Baileys clients) and
// the bench process say to each other over the IPC channel, and how a child collects per-message
// times. Times are `epochMs()`: the same clock in every process on the machine, so a time taken in
// the simulator (bench process) can be compared with one taken in a child.

export interface MessageTiming {
  id: string;
  /** Baileys emitted messages.upsert for it (the daemon: its bus.emit, called from that handler). */
  emitAt: number;
  /** The daemon: its durable subscribers (storage) committed it. Bare Baileys: = emitAt. */
  doneAt: number;
}

export type ToChild = { type: 'expect'; prefix: string; count: number } | { type: 'stop' };

export type FromChild =
  | { type: 'ready'; url?: string }
  | { type: 'qr'; index: number; qr: string }
  | { type: 'open'; index: number }
  | { type: 'done'; prefix: string; timings: MessageTiming[] }
  | { type: 'failed'; message: string };

export const epochMs = (): number => performance.timeOrigin + performance.now();

/**
 * Keeps the timing of every message whose id starts with an expected prefix and reports them all
 * once `count` have arrived. Messages may arrive before the parent's `expect` (it is sent before
 * the replay, but IPC and the socket race), so they are kept by prefix from the start.
 */
export class TimingCollector {
  private readonly byPrefix = new Map<string, MessageTiming[]>();
  private readonly expected = new Map<string, number>();

  constructor(private readonly report: (m: FromChild) => void) {}

  expect(prefix: string, count: number): void {
    this.expected.set(prefix, count);
    this.check(prefix);
  }

  record(id: string, emitAt: number, doneAt: number): void {
    const prefix = id.slice(0, PREFIX_LENGTH);
    const list = this.byPrefix.get(prefix) ?? [];
    list.push({ id, emitAt, doneAt });
    this.byPrefix.set(prefix, list);
    this.check(prefix);
  }

  private check(prefix: string): void {
    const want = this.expected.get(prefix);
    const got = this.byPrefix.get(prefix) ?? [];
    if (want === undefined || got.length < want) return;
    this.expected.delete(prefix);
    this.byPrefix.delete(prefix);
    this.report({ type: 'done', prefix, timings: got });
  }
}

/** Message ids are `<round prefix><rest>`; the prefix is this long (e.g. `BENCH007R`). */
export const PREFIX_LENGTH = 9;
export const roundPrefix = (round: number): string => `BENCH${String(round).padStart(3, '0')}R`;

export function send(m: FromChild): void {
  process.send!(m);
}
