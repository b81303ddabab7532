import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { linkNewClient, makeMemoryAuthState, startSimulator, TestClient, trustSimulatorRoot } from './index.js';
import { useSimulatorSuite } from './simulator-suite.js';

describe('wa-sim: linking and login', () => {
  const suite = useSimulatorSuite({ qrRefCount: 3 });
  const stateDir = mkdtempSync(join(tmpdir(), 'wa-sim-'));
  afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

  it('emits a QR; scanning it links the phone (515) and the client then opens', async () => {
    const registering = suite.track(new TestClient(suite.sim.url));
    const qr = await registering.waitForQr();
    expect(qr).toMatch(/^https:\/\/wa\.me\/settings\/linked_devices#2@/);
    await suite.sim.scanQr(qr, { phone: '+1 555 000 0001' });
    expect(await registering.waitForClose()).toBe(515);
    expect(registering.auth.creds.me?.id).toMatch(/^15550000001:\d+@s\.whatsapp\.net$/);
    const { lid } = suite.sim.phone('15550000001').account;
    expect(registering.auth.creds.me?.lid).toMatch(new RegExp(`^${lid}:\\d+@lid$`));

    const client = suite.track(new TestClient(suite.sim.url, registering.auth));
    await client.waitForOpen();
    expect(suite.sim.phone('15550000001').connectionCount()).toBe(1);
  });

  it('reconnects with saved creds straight to open, without a QR', async () => {
    const first = suite.track(await linkNewClient(suite.sim, '15550000002'));
    first.end();
    expect(await first.waitForClose()).toBeUndefined(); // closed by the client itself: no error
    const again = suite.track(new TestClient(suite.sim.url, first.auth));
    await again.waitForOpen();
    expect(again.qrs.peekAll()).toEqual([]);
  });

  it('rotates QR refs and closes with 408 when they run out', async () => {
    const client = suite.track(new TestClient(suite.sim.url, makeMemoryAuthState(), { qrTimeout: 150 }));
    const qrs = [await client.waitForQr(), await client.waitForQr(), await client.waitForQr()];
    expect(new Set(qrs).size).toBe(3);
    expect(await client.waitForClose()).toBe(408);
    await expect(suite.sim.scanQr(qrs[2]!, { phone: '15550000003' })).rejects.toThrow(/expired/);
  });

  it('refuses a login from creds the server does not know (401)', async () => {
    const stranger = makeMemoryAuthState();
    stranger.creds.me = { id: '15559999999:3@s.whatsapp.net', name: 'x' };
    const client = suite.track(new TestClient(suite.sim.url, stranger));
    expect(await client.waitForClose()).toBe(401);
  });

  it('links by pairing code, and refuses a wrong code', async () => {
    const wrong = suite.track(new TestClient(suite.sim.url));
    await wrong.waitForQr();
    const shown = await wrong.sock.requestPairingCode('15550000004');
    const typo = shown.startsWith('A') ? `B${shown.slice(1)}` : `A${shown.slice(1)}`;
    await expect(suite.sim.enterPairingCode('15550000004', typo)).rejects.toThrow(/wrong pairing code/);
    wrong.end();

    const registering = suite.track(new TestClient(suite.sim.url));
    await registering.waitForQr();
    const code = await registering.sock.requestPairingCode('15550000004');
    expect(code).toMatch(/^[1-9A-HJ-NP-Z]{8}$/);
    await suite.sim.enterPairingCode('15550000004', code);
    expect(await registering.waitForClose()).toBe(515);
    const client = suite.track(new TestClient(suite.sim.url, registering.auth));
    await client.waitForOpen();
    expect(client.auth.creds.me?.id).toMatch(/^15550000004:\d+@s\.whatsapp\.net$/);
  });

  it('keeps phones in a state file: a restarted simulator resumes the session without a QR', async () => {
    const stateFile = join(stateDir, 'state.json');
    const first = await startSimulator({ stateFile });
    const untrust = trustSimulatorRoot(first.rootPublicKey);
    const linked = suite.track(await linkNewClient(first, '15550000005'));
    await first.close();
    expect(await linked.waitForClose()).toBe(428);

    const restarted = await startSimulator({ stateFile, port: 0 });
    try {
      expect(restarted.rootPublicKey.equals(first.rootPublicKey)).toBe(true);
      const resumed = suite.track(new TestClient(restarted.url, linked.auth));
      await resumed.waitForOpen();
      expect(resumed.qrs.peekAll()).toEqual([]);
      resumed.end();
    } finally {
      await restarted.close();
      untrust();
    }
  });
});
