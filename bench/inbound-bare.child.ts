// Child half of bench/inbound-pipeline.bench.ts: bare Baileys sockets (makeWASocket with the
// simulator's testSocketConfig) whose messages.upsert handler only notes the time, in a process of their own
// as the daemon has. Usage (forked with an IPC channel):
//   inbound-bare.child.ts <ws url> <simulator root key, base64> <clients> <memory|file>
// `memory`: Signal keys in a Map; `file`: Baileys' useMultiFileAuthState in a temp folder (what a
// bare Baileys deployment runs), creds saved on creds.update.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeWASocket, useMultiFileAuthState, type AuthenticationState } from '@whiskeysockets/baileys';
import { trustSimulatorRoot } from '../test/wa-sim/cert-chain.js';
import { makeMemoryAuthState } from '../test/wa-sim/memory-auth-state.js';
import { pollUntil } from '../test/wa-sim/deadline.js';
import { testSocketConfig } from '../test/wa-sim/test-client.js';
import { epochMs, send, TimingCollector, type ToChild } from './inbound-timing.js';

const [url, rootKey, countText, authKind] = process.argv.slice(2);
if (!url || !rootKey || !countText || (authKind !== 'memory' && authKind !== 'file')) {
  throw new Error('usage: inbound-bare.child.ts <url> <rootKey> <count> <memory|file>');
}
trustSimulatorRoot(rootKey);
const collector = new TimingCollector(send);
const folder = await mkdtemp(path.join(tmpdir(), 'drin-bench-bare-'));
const LONG = { timeoutMs: 120_000 };

async function authFor(index: number): Promise<{ state: AuthenticationState; save: () => Promise<void> }> {
  if (authKind === 'memory') return { state: makeMemoryAuthState(), save: async () => {} };
  const { state, saveCreds } = await useMultiFileAuthState(path.join(folder, String(index)));
  return { state, save: saveCreds };
}

/** A bare socket (the simulator's TestClient config) and its lifecycle, nothing recorded but the time. */
function client(auth: { state: AuthenticationState; save: () => Promise<void> }) {
  const sock = makeWASocket(testSocketConfig(url!, auth.state));
  const qrs: string[] = [];
  let closed: number | undefined | null = null;
  let open = false;
  sock.ev.on('creds.update', () => void auth.save());
  sock.ev.on('connection.update', (u) => {
    if (u.qr) qrs.push(u.qr);
    if (u.connection === 'open') open = true;
    if (u.connection === 'close') closed = (u.lastDisconnect?.error as { output?: { statusCode?: number } } | undefined)?.output?.statusCode;
  });
  // The no-op handler: the time, nothing else.
  sock.ev.on('messages.upsert', ({ messages }) => {
    const at = epochMs();
    for (const m of messages) if (m.key.id && !m.key.fromMe) collector.record(m.key.id, at, at);
  });
  return {
    sock,
    qr: () => pollUntil(() => qrs[0], 'a QR', LONG),
    close: () => pollUntil(() => (closed === null ? undefined : { code: closed }), 'a close', LONG),
    open: () => pollUntil(() => (open ? true : closed !== null ? new Error(`closed with ${closed}`) : undefined), 'open', LONG),
  };
}

async function linkOne(index: number) {
  const auth = await authFor(index);
  const registering = client(auth);
  send({ type: 'qr', index, qr: await registering.qr() });
  const { code } = await registering.close();
  if (code !== 515) throw new Error(`client ${index} closed with ${code} instead of 515`);
  const linked = client(auth);
  const opened = await linked.open();
  if (opened instanceof Error) throw opened;
  send({ type: 'open', index });
  return linked;
}

const clients: ReturnType<typeof client>[] = [];
for (let i = 0; i < Number(countText); i++) clients.push(await linkOne(i));
process.on('message', (m: ToChild) => {
  if (m.type === 'expect') collector.expect(m.prefix, m.count);
  if (m.type === 'stop') {
    for (const c of clients) c.sock.end(undefined);
    void rm(folder, { recursive: true, force: true }).then(() => process.exit(0));
  }
});
send({ type: 'ready' });
