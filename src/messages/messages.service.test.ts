import { describe, expect, it } from '@jest/globals';
import type { MessageReceivedEvent } from '../events/domain-events.js';
import { toInboundRow } from './messages.service.js';

const base: MessageReceivedEvent = {
  storeId: 's1',
  slot: 1,
  waMessageId: 'W1',
  remoteJid: '123@lid',
  remoteJidAlt: '5511999990000@s.whatsapp.net',
  addressingMode: 'lid',
  pushName: 'Ana',
  text: 'oi',
  type: 'text',
  sentAt: new Date('2026-12-01T10:00:00Z'),
  delivery: 'live',
  isGroup: false,
  participant: null,
  participantAlt: null,
  metadata: {},
  payload: new Uint8Array([1, 2, 3]),
  raw: {},
};

describe('toInboundRow', () => {
  it('takes the person’s PN and LID from whichever of the two addresses carries each', () => {
    expect(toInboundRow(base)).toMatchObject({ jidPn: '5511999990000@s.whatsapp.net', jidLid: '123@lid', isGroup: false });
    const byPn = toInboundRow({ ...base, remoteJid: '5511999990000@s.whatsapp.net', remoteJidAlt: '123@lid', addressingMode: 'pn' });
    expect(byPn).toMatchObject({ jidPn: '5511999990000@s.whatsapp.net', jidLid: '123@lid' });
    expect(toInboundRow({ ...base, remoteJidAlt: null })).toMatchObject({ jidPn: null, jidLid: '123@lid' });
  });

  it('files a group message under the member who wrote it, marked as a group message', () => {
    const row = toInboundRow({ ...base, remoteJid: '120363@g.us', remoteJidAlt: null, isGroup: true, participant: '777@lid' });
    expect(row).toMatchObject({ remoteJid: '120363@g.us', jidLid: '777@lid', jidPn: null, isGroup: true, metadata: { isGroup: true, participant: '777@lid' } });
    // the member's number, when the stanza gave it beside the LID
    expect(toInboundRow({ ...base, isGroup: true, participant: '777@lid', participantAlt: '5511888@s.whatsapp.net' })).toMatchObject({ jidLid: '777@lid', jidPn: '5511888@s.whatsapp.net' });
  });
});
