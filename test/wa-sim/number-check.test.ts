import { describe, expect, it } from '@jest/globals';
import { linkNewClient } from './index.js';
import { useSimulatorSuite } from './simulator-suite.js';

describe('wa-sim: which numbers are on WhatsApp (usync contact lookups)', () => {
  const suite = useSimulatorSuite();

  it('answers onWhatsApp: a known contact is, a number declared unregistered is not', async () => {
    const PHONE = '15550004000';
    const client = suite.track(await linkNewClient(suite.sim, PHONE));
    const phone = suite.sim.phone(PHONE);
    const alice = phone.contact('15551260001');
    phone.setNotOnWhatsApp(['+1 555 126 0099']);

    const results = await client.sock.onWhatsApp('+15551260001', '+15551260099');
    expect(results).toEqual(expect.arrayContaining([expect.objectContaining({ jid: alice.pnJid, exists: true })]));
    expect(results?.find((r) => r.jid.startsWith('15551260099'))?.exists ?? false).toBe(false);
    expect(phone.findContact('15551260099')).toBeUndefined();
  });
});
