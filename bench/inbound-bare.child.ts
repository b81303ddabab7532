// Child half of bench/inbound-pipeline.bench.ts: bare Baileys sockets (makeWASocket with the
// simulator's testSocketConfig) whose messages.upsert handler only notes the time, in a process of their own
// as the daemon has. Usage (forked with an IPC channel):
//   inbound-bare.child.ts <ws url> <simulator root key, base64> <clients> <memory|file>
// `memory`: Signal keys in a Map; `file`: Baileys' useMultiFileAuthState in a temp folder (what a
// bare Baileys deployment runs), creds saved on creds.update.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { useMultiFileAuthState } from '@whiskeysockets/baileys';
import { trustSimulatorRoot } from '../test/wa-sim/cert-chain.js';
import { makeMemoryAuthState } from '../test/wa-sim/memory-auth-state.js';
import { linkBareClient, type BareAuth, type BareClient } from './bare-client.js';
import { epochMs, send, TimingCollector, type ToChild } from './inbound-timing.js';

const [url, rootKey, countText, authKind] = process.argv.slice(2);
if (!url || !rootKey || !countText || (authKind !== 'memory' && authKind !== 'file')) {
  throw new Error('usage: inbound-bare.child.ts <url> <rootKey> <count> <memory|file>');
}
trustSimulatorRoot(rootKey);
const collector = new TimingCollector(send);
const folder = await mkdtemp(path.join(tmpdir(), 'drin-bench-bare-'));

async function authFor(index: number): Promise<BareAuth> {
  if (authKind === 'memory') return { state: makeMemoryAuthState(), save: async () => {} };
  const { state, saveCreds } = await useMultiFileAuthState(path.join(folder, String(index)));
  return { state, save: saveCreds };
}

async function linkOne(index: number) {
  const linked = await linkBareClient(url!, await authFor(index), (qr) => send({ type: 'qr', index, qr }), (messages) => {
    // The no-op handler: the time, nothing else.
    const at = epochMs();
    for (const m of messages) if (m.key.id && !m.key.fromMe) collector.record(m.key.id, at, at);
  });
  send({ type: 'open', index });
  return linked;
}

const clients: BareClient[] = [];
for (let i = 0; i < Number(countText); i++) clients.push(await linkOne(i));
process.on('message', (m: ToChild) => {
  if (m.type === 'expect') collector.expect(m.prefix, m.count);
  if (m.type === 'stop') {
    for (const c of clients) c.sock.end(undefined);
    void rm(folder, { recursive: true, force: true }).then(() => process.exit(0));
  }
});
send({ type: 'ready' });
