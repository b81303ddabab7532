/**
 * Child-process half of the scale test: runs N bare Baileys clients against a simulator and
 * reports over stdout (one JSON object per line) so the test process can scan their QRs.
 *
 * Baileys' curve25519 code runs 4–7× slower inside jest's vm sandbox, so many clients in the jest
 * process would measure jest, not the simulator. Usage:
 *   tsx test/wa-sim/many-clients.ts <url> <rootPublicKeyBase64> <count>
 * Prints {"qr":i,"value":…} per client, {"open":i} once linked and logged in, then
 * {"allOpen":n,"violations":[…]}; stays connected until stdin closes.
 */
import { trustSimulatorRoot } from './cert-chain.js';
import { installLoopbackGuard } from './loopback-guard.js';
import { TestClient } from './test-client.js';

const [url, rootKey, countText] = process.argv.slice(2);
if (!url || !rootKey || !countText) throw new Error('usage: many-clients.ts <url> <rootKey> <count>');
const guard = installLoopbackGuard();
trustSimulatorRoot(rootKey);
const report = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);
const LONG = { timeoutMs: 240_000 };
// A simulator answering 50 handshakes and scans at once on a busy machine can leave a client
// without a frame for longer than Baileys' keepalive allows (30 s + 5 s, then 408), and its QR
// refs (60 s + 5 × 20 s) can run out before its scan: this test is about linking many phones,
// not about those clocks, so they all outlast the test's own deadline.
const config = { connectTimeoutMs: 240_000, keepAliveIntervalMs: 240_000, qrTimeout: 60_000 };

async function linkOne(index: number): Promise<TestClient> {
  const registering = new TestClient(url!, undefined, config);
  let closeReason = '';
  registering.sock.ev.on('connection.update', (u) => {
    if (u.connection === 'close') closeReason = String(u.lastDisconnect?.error?.message);
  });
  report({ qr: index, value: await registering.waitForQr(LONG) });
  const code = await registering.waitForClose(LONG);
  if (code !== 515) throw new Error(`client ${index} closed with ${code} (${closeReason}) instead of 515`);
  const client = new TestClient(url!, registering.auth, config);
  await client.waitForOpen(LONG);
  report({ open: index });
  return client;
}

const clients = await Promise.all(Array.from({ length: Number(countText) }, (_, i) => linkOne(i)));
report({ allOpen: clients.length, violations: guard.violations });
process.stdin.resume();
process.stdin.on('end', () => {
  for (const client of clients) client.end();
  process.exit(0);
});
