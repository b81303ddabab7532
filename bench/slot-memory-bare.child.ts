// Child half of bench/slot-memory.bench.ts: the reference — bare Baileys sockets (memory auth
// state, no handler) in one process of their own, linked one by one to the same simulator, RSS
// read after a forced full GC. Forked with --expose-gc and an IPC channel; args: <ws url> <root key, base64>.
import { trustSimulatorRoot } from '../test/wa-sim/cert-chain.js';
import { makeMemoryAuthState } from '../test/wa-sim/memory-auth-state.js';
import { linkBareClient, type BareClient } from './bare-client.js';
import { settledRssMb, type BareReply, type BareRequest } from './slot-memory-readings.js';

const [url, rootKey] = process.argv.slice(2);
if (!url || !rootKey) throw new Error('usage: slot-memory-bare.child.ts <url> <rootKey>');
trustSimulatorRoot(rootKey);
const gc = globalThis.gc;
if (!gc) throw new Error('start this child with --expose-gc');
const send = (m: BareReply) => process.send!(m);
const clients: BareClient[] = [];

process.on('message', (m: BareRequest) => {
  void (async () => {
    if (m.type === 'grow') {
      while (clients.length < m.to) {
        const index = clients.length;
        clients.push(await linkBareClient(url, { state: makeMemoryAuthState(), save: async () => {} }, (qr) => send({ type: 'qr', index, qr })));
      }
      send({ type: 'grown', count: clients.length });
    }
    if (m.type === 'rss') send({ type: 'rss', mb: await settledRssMb(async () => gc(), () => process.memoryUsage().rss) });
    if (m.type === 'stop') {
      for (const c of clients) c.sock.end(undefined);
      process.exit(0);
    }
  })().catch((err: unknown) => {
    process.stderr.write(`${String((err as Error)?.stack ?? err)}\n`);
    process.exit(1);
  });
});
send({ type: 'ready' });
