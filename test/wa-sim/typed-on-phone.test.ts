import { beforeAll, describe, expect, it } from '@jest/globals';
import { jidNormalizedUser } from '@whiskeysockets/baileys';
import { linkNewClient, type TestClient } from './index.js';
import { useSimulatorSuite } from './simulator-suite.js';

describe('wa-sim: a message typed on the phone itself reaches the linked devices fromMe', () => {
  const suite = useSimulatorSuite();
  const PHONE = '15550004000';
  let client: TestClient;

  beforeAll(async () => {
    client = suite.track(await linkNewClient(suite.sim, PHONE));
  });

  it('upserts it in the contact chat, fromMe, with the contact PN as the alternative address', async () => {
    const phone = suite.sim.phone(PHONE);
    const ana = phone.contact('15551260001', { pushName: 'Ana' });
    const id = await phone.typeOnPhone(ana, 'on my way');
    const typed = await client.waitForText('on my way');
    expect(typed.key).toMatchObject({ id, fromMe: true, remoteJid: ana.lidJid, remoteJidAlt: ana.pnJid });
    // Baileys unwraps the deviceSentMessage: the content is the text itself
    expect(typed.message?.conversation).toBe('on my way');
    expect(typed.message?.deviceSentMessage).toBeFalsy();
    // the peer address taught Baileys the contact's mapping, not the account's own number
    expect(jidNormalizedUser((await client.sock.signalRepository.lidMapping.getPNForLID(ana.lidJid)) ?? '')).toBe(ana.pnJid);

    // the second one rides the session the first opened (msg, not pkmsg)
    await phone.typeOnPhone(ana, 'five minutes');
    expect((await client.waitForText('five minutes')).key).toMatchObject({ fromMe: true, remoteJid: ana.lidJid });
  });

  it('addresses a PN-only contact by number, and a LID-only one with no alternative address', async () => {
    const phone = suite.sim.phone(PHONE);
    const pnOnly = phone.contact('15551260002').pnOnly();
    await phone.typeOnPhone(pnOnly, 'by number');
    const byNumber = await client.waitForText('by number');
    expect(byNumber.key).toMatchObject({ fromMe: true, remoteJid: pnOnly.pnJid });
    expect(byNumber.key.remoteJidAlt).toBeUndefined();

    const lidOnly = phone.contact('15551260003').lidOnly();
    await phone.typeOnPhone(lidOnly, 'by lid');
    const byLid = await client.waitForText('by lid');
    expect(byLid.key).toMatchObject({ fromMe: true, remoteJid: lidOnly.lidJid });
    expect(byLid.key.remoteJidAlt).toBeUndefined();
    expect(() => phone.typeOnPhone(lidOnly, 'x', { addressing: 'pn' })).toThrow(/no phone number/);
  });
});
