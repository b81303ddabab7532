import { describe, expect, it } from '@jest/globals';
import { proto, type WAMessage } from '@whiskeysockets/baileys';
import { toMessageHistory } from './socket-events.js';

const ref = { storeId: 'store-1', slot: 1 };
const text = (id: string, fromMe: boolean, conversation: string): WAMessage => ({
  key: { id, remoteJid: '111@lid', fromMe },
  message: { conversation },
  messageTimestamp: 1_700_000_000,
  pushName: fromMe ? 'Our Shop' : 'Ana',
});

describe('toMessageHistory', () => {
  it('keeps chat messages of both directions, pairs each chat with its other address, drops protocol noise', () => {
    const event = toMessageHistory(ref, {
      chats: [],
      contacts: [{ id: '111@lid', phoneNumber: '5511999@s.whatsapp.net' }],
      messages: [
        text('A', false, 'oi'),
        text('B', true, 'olá, Ana'),
        { key: { id: 'C', remoteJid: '111@lid', fromMe: true }, message: { protocolMessage: { type: proto.Message.ProtocolMessage.Type.REVOKE } } },
        { key: { id: 'D', remoteJid: 'status@broadcast', fromMe: false }, message: { conversation: 'status' } },
      ],
      syncType: proto.HistorySync.HistorySyncType.RECENT,
    });
    expect(event).toMatchObject({ ...ref, syncType: 'RECENT' });
    expect(event!.messages.map((m) => [m.waMessageId, m.fromMe, m.text, m.remoteJidAlt, m.pushName])).toEqual([
      ['A', false, 'oi', '5511999@s.whatsapp.net', 'Ana'],
      ['B', true, 'olá, Ana', '5511999@s.whatsapp.net', null],
    ]);
    expect(event!.messages[0]!.sentAt).toEqual(new Date(1_700_000_000_000));
  });

  it('is null for a chunk without chat messages (push names only)', () => {
    expect(toMessageHistory(ref, { chats: [], contacts: [], messages: [], syncType: proto.HistorySync.HistorySyncType.PUSH_NAME })).toBeNull();
  });
});
