import { describe, expect, it } from '@jest/globals';
import { linkNewClient, TestClient } from './index.js';
import { useSimulatorSuite } from './simulator-suite.js';

describe('wa-sim: a message stays owed to a device until the device receipts it', () => {
  const suite = useSimulatorSuite();

  it('pushes a message again, as offline, to a client that died before receipting it', async () => {
    const PHONE = '15550002000';
    const doomed = suite.track(await linkNewClient(suite.sim, PHONE));
    const phone = suite.sim.phone(PHONE);
    const alice = phone.contact('15551240001');
    const crashed = doomed.crashOnNextMessage();
    const id = await alice.sendText('lost in the crash');
    const persisted = await crashed;
    await doomed.waitForClose();
    expect(doomed.messages.peekAll()).toEqual([]);
    expect(phone.unreceiptedIds(1)).toEqual([id]);

    const restarted = suite.track(new TestClient(suite.sim.url, persisted));
    await restarted.waitForOpen();
    const again = await restarted.waitForMessage((m) => m.key.id === id);
    expect(again.upsertType).toBe('append');
    expect(again.message?.conversation).toBe('lost in the crash');
    await alice.waitForClientReceipt(id);
    expect(phone.unreceiptedIds(1)).toEqual([]);
  });

  it('does not push a receipted message again', async () => {
    const PHONE = '15550002001';
    let client = suite.track(await linkNewClient(suite.sim, PHONE));
    const phone = suite.sim.phone(PHONE);
    const bob = phone.contact('15551240002');
    const delivered = await bob.sendText('got it the first time');
    await client.waitForText('got it the first time');
    await bob.waitForClientReceipt(delivered);
    client.end();
    await client.waitForClose();
    const queued = await bob.sendText('sent while away');

    client = suite.track(new TestClient(suite.sim.url, client.auth));
    await client.waitForOpen();
    await client.waitForMessage((m) => m.key.id === queued);
    await bob.waitForClientReceipt(queued);
    // the login backlog is pushed in one go before `ib offline`, so the receipted one would be here by now
    expect(client.messages.peekAll().map((m) => m.key.id)).not.toContain(delivered);
    expect(phone.unreceiptedIds(1)).toEqual([]);
  });
});
