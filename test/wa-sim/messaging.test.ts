import { beforeAll, describe, expect, it } from '@jest/globals';
import { linkNewClient, TestClient } from './index.js';
import { useSimulatorSuite } from './simulator-suite.js';

describe('wa-sim: messages between fake contacts and the client', () => {
  const suite = useSimulatorSuite();
  const PHONE = '15550001000';
  let client: TestClient;

  beforeAll(async () => {
    client = suite.track(await linkNewClient(suite.sim, PHONE));
  });

  it('delivers a LID-addressed text (pkmsg, then msg) with both JIDs', async () => {
    const alice = suite.sim.phone(PHONE).contact('15551230001', { pushName: 'Alice' });
    const firstId = await alice.sendText('hi from alice');
    const first = await client.waitForText('hi from alice');
    expect(first.key).toMatchObject({
      id: firstId,
      fromMe: false,
      remoteJid: alice.lidJid,
      remoteJidAlt: alice.pnJid,
      addressingMode: 'lid',
    });
    expect(first.pushName).toBe('Alice');
    expect(first.upsertType).toBe('notify');

    await alice.sendText('second one');
    const second = await client.waitForText('second one');
    expect(second.key.remoteJid).toBe(alice.lidJid);
    expect(await alice.waitForClientReceipt(firstId)).toMatchObject({ id: firstId });
  });

  it('delivers a PN-addressed text with the LID as remoteJidAlt', async () => {
    const bob = suite.sim.phone(PHONE).contact('15551230002');
    await bob.sendText('hi by number', { addressing: 'pn' });
    const received = await client.waitForText('hi by number');
    expect(received.key).toMatchObject({ remoteJid: bob.pnJid, remoteJidAlt: bob.lidJid, addressingMode: 'pn' });
  });

  it('lets the contact decrypt exactly what the client sent, to a PN or to a LID', async () => {
    const carol = suite.sim.phone(PHONE).contact('15551230003');
    const sent = await client.sock.sendMessage(carol.pnJid, { text: 'order #42 is ready' });
    const received = await carol.waitForText('order #42 is ready');
    expect(received).toMatchObject({ id: sent?.key.id, to: carol.pnJid });

    await client.sock.sendMessage(carol.lidJid, { text: 'ünïcødé ✓ 🚚' });
    expect((await carol.nextMessage()).text).toBe('ünïcødé ✓ 🚚');

    await carol.sendText('thanks!');
    await client.waitForText('thanks!');
    await client.sock.sendMessage(carol.pnJid, { text: 'you are welcome' });
    expect((await carol.nextMessage()).text).toBe('you are welcome');
  });

  it('moves a sent message to delivered (3) then read (4) on the contact receipts', async () => {
    const dave = suite.sim.phone(PHONE).contact('15551230004');
    const sent = await client.sock.sendMessage(dave.pnJid, { text: 'status please' });
    const id = sent!.key.id!;
    await dave.waitForText('status please');
    // Baileys buffers its own upsert for 100 ms; a receipt inside that window merges into it
    await client.waitForMessage((m) => m.key.id === id && m.key.fromMe === true);

    dave.sendReceipt(id, 'delivered');
    expect((await client.waitForStatus(id, 3)).key).toMatchObject({ id, fromMe: true, remoteJid: dave.pnJid });
    dave.sendReceipt(id, 'read');
    expect((await client.waitForStatus(id, 4)).key.id).toBe(id);
  });

  it('queues messages for an offline device and delivers them after its next login', async () => {
    const erin = suite.sim.phone(PHONE).contact('15551230005');
    client.end();
    await client.waitForClose();
    await erin.sendText('while you were away');

    client = suite.track(new TestClient(suite.sim.url, client.auth));
    await client.waitForOpen();
    const late = await client.waitForText('while you were away');
    expect(late.upsertType).toBe('append'); // offline stanzas are not "notify"
    expect(late.key.remoteJid).toBe(erin.lidJid);
  });
});
