import { describe, expect, it } from '@jest/globals';
import { proto } from '@whiskeysockets/baileys';
import { linkNewClient, TestClient } from './index.js';
import { sampleHistory } from './history-sync.js';
import { useSimulatorSuite } from './simulator-suite.js';

describe('wa-sim: the phone sends its history to a newly linked device', () => {
  const suite = useSimulatorSuite();
  const syncing = { shouldSyncHistoryMessage: () => true };

  it('delivers the configured chats once, inline, as messaging-history.set', async () => {
    const PHONE = '15550003000';
    const phone = suite.sim.phone(PHONE);
    const [alice, bob] = [phone.contact('15551250001', { pushName: 'Alice' }), phone.contact('15551250002')];
    phone.setHistory(sampleHistory([alice, bob], { perChat: 9 }));

    const client = suite.track(await linkNewClient(suite.sim, PHONE, syncing));
    const history = await client.histories.take(() => true, 'messaging-history.set', 20_000);
    expect(history.syncType).toBe(proto.HistorySync.HistorySyncType.INITIAL_BOOTSTRAP);
    expect(history.chats.map((c) => c.id).sort()).toEqual([alice.lidJid, bob.lidJid].sort());
    expect(history.messages).toHaveLength(18);
    const texts = history.messages.map((m) => m.message?.conversation);
    expect(texts).toEqual(expect.arrayContaining(['15551250001 #1', '15551250002 #9']));
    const aliceFirst = history.messages.find((m) => m.message?.conversation === '15551250001 #1')!;
    expect(aliceFirst.key).toMatchObject({ remoteJid: alice.lidJid, fromMe: false });
    expect(history.messages.find((m) => m.message?.conversation === '15551250001 #2')!.key.fromMe).toBe(true);
    // the chats' LID ↔ PN pairs reach Baileys' mapping store (the event buffer drops them from the event)
    expect(await client.sock.signalRepository.lidMapping.getPNForLID(bob.lidJid)).toBe(`${bob.pn}:0@s.whatsapp.net`);
    // history is past: none of it is a new message
    expect(client.messages.peekAll().filter((m) => m.message?.conversation)).toEqual([]);

    client.end();
    await client.waitForClose();
    const again = suite.track(new TestClient(suite.sim.url, client.auth, syncing));
    await again.waitForOpen();
    await alice.sendText('after the reconnect');
    await again.waitForText('after the reconnect');
    expect(again.histories.peekAll()).toEqual([]);
  });

  it('sends no history to a client that refuses it, and live messages still flow', async () => {
    const PHONE = '15550003001';
    const phone = suite.sim.phone(PHONE);
    const carol = phone.contact('15551250003');
    phone.setHistory(sampleHistory([carol]));
    const client = suite.track(await linkNewClient(suite.sim, PHONE));
    await carol.sendText('live one');
    await client.waitForText('live one');
    expect(client.histories.peekAll()).toEqual([]);
  });
});
