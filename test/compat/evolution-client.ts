// How an Evolution API client talks to Drin in these tests: the key in the apikey header, paths
// under /evolution; and an instance linked as its owner would (connect, the QR image scanned).
import { afterAll, beforeAll, expect } from '@jest/globals';
import { ADMIN_KEY, createDaemonHarness, type DaemonHarness } from '../support/daemon-harness.js';
import { eventually } from '../support/eventually.js';
import { jsonRequest } from '../support/json-request.js';
import { scanQrImage } from '../support/qr-image.js';
import type { WhatsAppSimulator } from '../wa-sim/index.js';
import { useSimulatorSuite } from '../wa-sim/simulator-suite.js';
import { WebhookReceiver } from '../webhooks/receiver.js';

export interface CreatedInstance {
  instance: { instanceName: string; instanceId: string; status: string };
  hash: string;
  qrcode?: { base64: string | null; code: string | null; count: number };
}

export function evolutionClient(h: () => DaemonHarness, sim: () => WhatsAppSimulator) {
  const evo = (method: string, path: string, apikey: string | undefined, body?: unknown, raw?: string) =>
    jsonRequest(h().daemon.url, method, `/evolution${path}`, { body, rawBody: raw, headers: { ...(apikey ? { apikey } : {}), ...(raw ? { 'content-type': 'application/json' } : {}) } });

  const stateOf = async (name: string, key = ADMIN_KEY) => (await evo('GET', `/instance/connectionState/${encodeURIComponent(name)}`, key)).body?.instance?.state as string | undefined;

  async function created(name: string, extra: Record<string, unknown> = {}): Promise<CreatedInstance> {
    const res = await evo('POST', '/instance/create', ADMIN_KEY, { instanceName: name, integration: 'WHATSAPP-BAILEYS', ...extra });
    expect(res.status).toBe(201);
    return res.body as CreatedInstance;
  }

  /** Created, connected (the QR image read and scanned by the phone), open. */
  async function linked(name: string, phone: string, extra: Record<string, unknown> = {}): Promise<CreatedInstance> {
    const made = await created(name, extra);
    const qr = await eventually(() => evo('GET', `/instance/connect/${encodeURIComponent(name)}`, made.hash), (r) => typeof r.body?.base64 === 'string', 60_000);
    await sim().scanQr(scanQrImage(qr.body.base64), { phone });
    await eventually(() => stateOf(name), (s) => s === 'open', 60_000);
    await h().daemon.engine.drainSlotWrites();
    return made;
  }

  return { evo, stateOf, created, linked };
}

/**
 * A daemon (fresh per test file) whose webhooks may call loopback, and a receiver that checks no
 * signature, as Evolution's clients check none.
 */
export function useEvolutionDaemon() {
  const suite = useSimulatorSuite();
  const receiver = new WebhookReceiver({ verify: false });
  let h: DaemonHarness | undefined;
  beforeAll(async () => {
    await receiver.start();
    h = await createDaemonHarness(suite.sim, { env: { WEBHOOKS_ALLOW_PRIVATE_URLS: 'true', WEBHOOKS_SCAN_INTERVAL_MS: '200' } });
  });
  afterAll(async () => {
    await h?.close();
    await receiver.stop();
  });
  const harness = () => {
    if (!h) throw new Error('the daemon is not started yet');
    return h;
  };
  return { suite, receiver, harness, ...evolutionClient(harness, () => suite.sim) };
}
