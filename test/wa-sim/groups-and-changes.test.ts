import { beforeAll, describe, expect, it } from '@jest/globals';
import { proto } from '@whiskeysockets/baileys';
import { linkNewClient, type TestClient } from './index.js';
import { useSimulatorSuite } from './simulator-suite.js';

describe('wa-sim: groups with sender keys, edits / revokes / reactions, LID-only and PN-only contacts', () => {
  const suite = useSimulatorSuite();
  const PHONE = '15550003000';
  let client: TestClient;

  beforeAll(async () => {
    client = suite.track(await linkNewClient(suite.sim, PHONE));
  });

  it('delivers group messages from two participants through sender keys (skmsg after the distribution message)', async () => {
    const phone = suite.sim.phone(PHONE);
    const ana = phone.contact('15551250001', { pushName: 'Ana' });
    const beto = phone.contact('15551250002', { pushName: 'Beto' });
    const group = suite.sim.createGroup(PHONE, { subject: 'Pizza night', participants: [ana, beto] });

    const firstId = await group.sendText(ana, 'who brings the drinks?');
    const first = await client.waitForText('who brings the drinks?');
    expect(first.key).toMatchObject({ id: firstId, remoteJid: group.jid, participant: ana.lidJid, participantAlt: ana.pnJid, fromMe: false });
    expect(first.message?.senderKeyDistributionMessage?.groupId).toBe(group.jid);
    expect(first.pushName).toBe('Ana');

    // the second message of the same author is a bare skmsg: the client kept the sender key
    await group.sendText(ana, 'I bring the pizza');
    const second = await client.waitForText('I bring the pizza');
    expect(second.message?.senderKeyDistributionMessage).toBeFalsy();
    await group.sendText(beto, 'drinks on me');
    expect((await client.waitForText('drinks on me')).key).toMatchObject({ remoteJid: group.jid, participant: beto.lidJid });
    expect(() => group.sendText(phone.contact('15551250009'), 'not a member')).toThrow(/not in group/);
  });

  it('answers group metadata (w:g2) so Baileys parses subject, addressing and participants', async () => {
    const phone = suite.sim.phone(PHONE);
    const cris = phone.contact('15551250003');
    const group = suite.sim.createGroup(PHONE, { subject: 'Suppliers', participants: [cris] });
    const metadata = await client.sock.groupMetadata(group.jid);
    expect(metadata).toMatchObject({ id: group.jid, subject: 'Suppliers', addressingMode: 'lid', owner: cris.lidJid, size: 2 });
    expect(metadata.participants).toEqual([
      expect.objectContaining({ id: cris.lidJid, phoneNumber: cris.pnJid, admin: 'superadmin' }),
      expect.objectContaining({ id: phone.lidJid, phoneNumber: phone.pnJid, admin: null }),
    ]);
    await expect(client.sock.groupMetadata('120363000000000000@g.us')).rejects.toThrow(/item-not-found/);
  });

  it('names the author by phone number in a PN-addressed group', async () => {
    const dani = suite.sim.phone(PHONE).contact('15551250004');
    const group = suite.sim.createGroup(PHONE, { participants: [dani], addressing: 'pn' });
    await group.sendText(dani, 'old style group');
    const received = await client.waitForText('old style group');
    expect(received.key).toMatchObject({ remoteJid: group.jid, participant: dani.pnJid, participantAlt: dani.lidJid });
  });

  it('sends an edit, a revoke and a reaction as WhatsApp does (protocol / reaction messages keyed to the target)', async () => {
    const eva = suite.sim.phone(PHONE).contact('15551250005');
    const id = await eva.sendText('two pizzas');
    await client.waitForText('two pizzas');
    const reply = await client.sock.sendMessage(eva.lidJid, { text: 'coming up' });
    await eva.waitForText('coming up');

    await eva.edit(id, 'three pizzas');
    const edit = await client.waitForMessage((m) => m.message?.protocolMessage?.type === proto.Message.ProtocolMessage.Type.MESSAGE_EDIT);
    expect(edit.message?.protocolMessage).toMatchObject({ key: { id, fromMe: true }, editedMessage: { conversation: 'three pizzas' } });
    expect(edit.key.remoteJid).toBe(eva.lidJid);

    await eva.react(reply!.key.id!, '👍');
    const reaction = await client.waitForMessage((m) => !!m.message?.reactionMessage);
    // sent as the contact sees it (not its own message); Baileys turns it to the client's side
    expect(reaction.message?.reactionMessage).toMatchObject({ key: { id: reply!.key.id, fromMe: true }, text: '👍' });
    await eva.react(id, '🔥', { ownMessage: true });
    const onOwn = await client.waitForMessage((m) => m.message?.reactionMessage?.text === '🔥');
    expect(onOwn.message?.reactionMessage?.key).toMatchObject({ id, fromMe: false });

    await eva.revoke(id);
    const revoke = await client.waitForMessage((m) => m.message?.protocolMessage?.type === proto.Message.ProtocolMessage.Type.REVOKE);
    expect(revoke.message?.protocolMessage?.key).toMatchObject({ id, fromMe: true });
  });

  it('has a LID-only contact (no sender_pn) and a PN-only one (no sender_lid, no LID in usync), both answerable', async () => {
    const phone = suite.sim.phone(PHONE);
    const lidOnly = phone.contact('15551250006').lidOnly();
    await lidOnly.sendText('hidden number');
    const fromLid = await client.waitForText('hidden number');
    expect(fromLid.key).toMatchObject({ remoteJid: lidOnly.lidJid, addressingMode: 'lid' });
    expect(fromLid.key.remoteJidAlt).toBeUndefined();
    await client.sock.sendMessage(lidOnly.lidJid, { text: 'hello, LID' });
    expect((await lidOnly.waitForText('hello, LID')).to).toBe(lidOnly.lidJid);

    const pnOnly = phone.contact('15551250007').pnOnly();
    await pnOnly.sendText('number only');
    const fromPn = await client.waitForText('number only');
    expect(fromPn.key).toMatchObject({ remoteJid: pnOnly.pnJid, addressingMode: 'pn' });
    expect(fromPn.key.remoteJidAlt).toBeUndefined();
    await client.sock.sendMessage(pnOnly.pnJid, { text: 'hello, number' });
    expect((await pnOnly.waitForText('hello, number')).to).toBe(pnOnly.pnJid);
    expect(() => pnOnly.sendText('x', { addressing: 'lid' })).toThrow(/no LID/);
  });
});
