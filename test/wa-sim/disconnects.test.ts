import { describe, expect, it } from '@jest/globals';
import { linkNewClient, pollUntil, TestClient } from './index.js';
import { useSimulatorSuite } from './simulator-suite.js';

describe('wa-sim: server-driven disconnects', () => {
  const suite = useSimulatorSuite();
  let nextPhone = 15550002000;
  const linked = async (config = {}) => {
    const phone = `${nextPhone++}`;
    return { phone, client: suite.track(await linkNewClient(suite.sim, phone, config)) };
  };

  it('logout → 401, and the device can no longer log in', async () => {
    const { phone, client } = await linked();
    expect(await suite.sim.logout(phone)).toBe(1);
    expect(await client.waitForClose()).toBe(401);
    const retry = suite.track(new TestClient(suite.sim.url, client.auth));
    expect(await retry.waitForClose()).toBe(401);
  });

  it('replace → 440 (connectionReplaced)', async () => {
    const { phone, client } = await linked();
    await suite.sim.replace(phone);
    expect(await client.waitForClose()).toBe(440);
  });

  it('a second login with the same creds replaces the first (440)', async () => {
    const { client } = await linked();
    const twin = suite.track(new TestClient(suite.sim.url, client.auth));
    await twin.waitForOpen();
    expect(await client.waitForClose()).toBe(440);
  });

  it('restart required → 515, and the client reconnects to open', async () => {
    const { phone, client } = await linked();
    await suite.sim.restartRequired(phone);
    expect(await client.waitForClose()).toBe(515);
    await suite.track(new TestClient(suite.sim.url, client.auth)).waitForOpen();
  });

  it('socket drop → 428 (connectionClosed)', async () => {
    const { phone, client } = await linked();
    expect(suite.sim.drop(phone)).toBe(1);
    expect(await client.waitForClose()).toBe(428);
  });

  it('silence → 408 once the keepalive gives up', async () => {
    const { phone, client } = await linked({ keepAliveIntervalMs: 300 });
    expect(suite.sim.silence(phone)).toBe(1);
    // Baileys closes when nothing arrived for keepAliveIntervalMs + 5 s
    expect(await client.waitForClose({ timeoutMs: 30_000 })).toBe(408);
  }, 45_000);

  it('flapping network: the connection is dropped every interval, and reconnects each time', async () => {
    const { phone, client } = await linked();
    const flapping = suite.sim.flap(phone, { everyMs: 400 });
    try {
      expect(await client.waitForClose()).toBe(428);
      // A reconnect opens, then is dropped in its turn. On a loaded machine a login can take longer
      // than the interval and be dropped before it opens (428 too): that one is tried again.
      let reopened: TestClient | undefined;
      for (let attempt = 1; !reopened && attempt <= 10; attempt++) {
        const next = suite.track(new TestClient(suite.sim.url, client.auth));
        const first = await next.lifecycle.take(() => true, 'the reconnect to open or be dropped');
        if (first.kind === 'open') reopened = next;
        else expect(first.statusCode).toBe(428);
      }
      expect(reopened).toBeDefined();
      expect(await reopened!.waitForClose()).toBe(428);
    } finally {
      flapping.stop();
    }
    const stable = suite.track(new TestClient(suite.sim.url, client.auth));
    await stable.waitForOpen();
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(suite.sim.phone(phone).connectionCount()).toBe(1);
  });

  it('client outdated → 405 for a version below the minimum, at registration and at login', async () => {
    const { client } = await linked();
    client.end();
    suite.sim.requireClientVersion([2, 3000, 2_000_000_000]);
    try {
      const fresh = suite.track(new TestClient(suite.sim.url, undefined, { version: [2, 3000, 1_999_999_999] }));
      expect(await fresh.waitForClose()).toBe(405);
      const known = suite.track(new TestClient(suite.sim.url, client.auth, { version: [2, 3000, 1] }));
      expect(await known.waitForClose()).toBe(405);
      expect(suite.sim.outdatedRefusals()).toBe(2);
      await suite.track(new TestClient(suite.sim.url, undefined, { version: [2, 3000, 2_000_000_000] })).waitForQr();
      await suite.track(new TestClient(suite.sim.url, client.auth, { version: [2, 3001, 0] })).waitForOpen();
    } finally {
      suite.sim.requireClientVersion(undefined);
    }
  });

  it('sock.logout() unlinks the device on the server', async () => {
    const { phone, client } = await linked();
    await client.sock.logout();
    expect(await client.waitForClose()).toBe(401);
    await pollUntil(() => (suite.sim.phone(phone).account.devices.size === 0 ? true : undefined), 'device unlinked');
  });
});
