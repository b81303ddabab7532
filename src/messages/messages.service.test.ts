import { describe, expect, it } from '@jest/globals';
import type { MessageReceivedEvent } from '../events/domain-events.js';
import { toInboundRow } from './messages.service.js';
import { storableJson } from './row-fields.js';

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

describe('a message Postgres could not hold as sent', () => {
  it('loses U+0000 from its text, push name and metadata (keys too), and nothing else', () => {
    const row = toInboundRow({ ...base, text: 'o\u0000i', pushName: '\u0000Ana', metadata: { caption: 'fo\u0000to', size: 3, 'k\u0000': true } });
    expect(row).toMatchObject({ text: 'oi', pushName: 'Ana', metadata: { caption: 'foto', size: 3, k: true, delivery: 'live' } });
    // nested values (a message's reactions, after a change)
    expect(storableJson({ reactions: { '1@lid\u0000': '\u0000👍' }, n: [1, 'x\u0000'] })).toEqual({ reactions: { '1@lid': '👍' }, n: [1, 'x'] });
    expect(toInboundRow({ ...base, text: null })).toMatchObject({ text: null });
  });
});
