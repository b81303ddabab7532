// The DevTools protocol of a process started with --inspect=127.0.0.1:0: how a benchmark forces a
// full GC in the daemon (and takes a heap snapshot) without a line of benchmark code in it.
import { writeFile } from 'node:fs/promises';
import WebSocket from 'ws';

export interface Inspector {
  collectGarbage(): Promise<void>;
  /** The process's own process.memoryUsage(), read inside it. */
  memoryUsage(): Promise<NodeJS.MemoryUsage>;
  /** Writes a .heapsnapshot (open it in Chrome DevTools' Memory tab). */
  heapSnapshot(file: string): Promise<void>;
  close(): void;
}

/** Connects to the inspector whose "Debugger listening on ws://…" line is in `output`. */
export async function connectInspector(output: string): Promise<Inspector> {
  const url = /Debugger listening on (ws:\/\/\S+)/.exec(output)?.[1];
  if (!url) throw new Error('the process did not print an inspector URL (was it started with --inspect=127.0.0.1:0?)');
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let chunks: string[] | undefined;
  socket.on('message', (data) => {
    const m = JSON.parse(data.toString()) as { id?: number; result?: unknown; error?: { message: string }; method?: string; params?: { chunk: string } };
    if (m.method === 'HeapProfiler.addHeapSnapshotChunk') chunks?.push(m.params!.chunk);
    const waiter = m.id === undefined ? undefined : pending.get(m.id);
    if (!waiter) return;
    pending.delete(m.id!);
    if (m.error) waiter.reject(new Error(m.error.message));
    else waiter.resolve(m.result);
  });
  const call = (method: string, params: object = {}) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      socket.send(JSON.stringify({ id, method, params }));
    });
  await call('HeapProfiler.enable');
  return {
    async collectGarbage() {
      await call('HeapProfiler.collectGarbage');
    },
    async memoryUsage() {
      const { result } = (await call('Runtime.evaluate', { expression: 'JSON.stringify(process.memoryUsage())', returnByValue: true })) as { result: { value: string } };
      return JSON.parse(result.value) as NodeJS.MemoryUsage;
    },
    async heapSnapshot(file) {
      chunks = [];
      await call('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
      await writeFile(file, chunks.join(''));
      chunks = undefined;
    },
    close: () => socket.close(),
  };
}
