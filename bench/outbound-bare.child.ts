// Child half of bench/outbound.bench.ts: the reference, bare Baileys sockets (the simulator's
// TestClient: makeWASocket with testSocketConfig, Signal keys in memory) sending with
// sock.sendMessage, in a process of their own as the daemon has. Forked with an IPC channel:
//   outbound-bare.child.ts <ws url> <simulator root key, base64> <clients>
// Each `send` is sent as a plain bot would: one sendMessage after another on each socket, the
// sockets side by side; every message of it counts as asked for when the command arrived.
import { trustSimulatorRoot } from '../test/wa-sim/cert-chain.js';
import { TestClient } from '../test/wa-sim/test-client.js';
import { epochMs } from './outbound-arrivals.js';

export interface BareSend {
  client: number;
  jid: string;
  text: string;
}
export type ToBare = { type: 'send'; messages: BareSend[] } | { type: 'stop' };
export type FromBare =
  | { type: 'qr'; index: number; qr: string }
  | { type: 'open'; index: number }
  | { type: 'ready' }
  /** `failed`: the texts whose sendMessage threw. */
  | { type: 'sent'; askedAt: number; failed: string[]; firstError?: string };

const [url, rootKey, countText] = process.argv.slice(2);
if (!url || !rootKey || !countText) throw new Error('usage: outbound-bare.child.ts <url> <rootKey> <clients>');
trustSimulatorRoot(rootKey);
const tell = (m: FromBare) => process.send!(m);
const LONG = { timeoutMs: 120_000 };

/** QR → the parent has the simulator's phone scan it → 515 → the linked socket opens. */
async function link(index: number): Promise<TestClient> {
  const registering = new TestClient(url!);
  tell({ type: 'qr', index, qr: await registering.waitForQr(LONG) });
  const code = await registering.waitForClose(LONG);
  if (code !== 515) throw new Error(`client ${index} closed with ${code} instead of 515`);
  const client = new TestClient(url!, registering.auth);
  await client.waitForOpen(LONG);
  tell({ type: 'open', index });
  return client;
}

const clients: TestClient[] = [];
for (let i = 0; i < Number(countText); i++) clients.push(await link(i));

async function sendAll(messages: BareSend[]): Promise<void> {
  const askedAt = epochMs();
  const failed: string[] = [];
  let firstError: string | undefined;
  await Promise.all(
    clients.map(async (client, index) => {
      for (const m of messages.filter((x) => x.client === index)) {
        try {
          await client.sock.sendMessage(m.jid, { text: m.text });
        } catch (err) {
          failed.push(m.text);
          firstError ??= (err as Error).message;
        }
      }
    }),
  );
  tell({ type: 'sent', askedAt, failed, firstError });
}

process.on('message', (m: ToBare) => {
  if (m.type === 'send') void sendAll(m.messages);
  if (m.type === 'stop') {
    for (const c of clients) c.end();
    process.exit(0);
  }
});
tell({ type: 'ready' });
