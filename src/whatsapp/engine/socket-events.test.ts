import { describe, expect, it } from '@jest/globals';
import { proto, type WAMessage } from '@whiskeysockets/baileys';
import { toMessageHistory, toMessageReceived, toMessageSent, toMessageStatus, toOwnMessageStatus } from './socket-events.js';

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

describe('message statuses', () => {
  const key = { id: 'OUT1', remoteJid: '5511988887777@s.whatsapp.net', fromMe: true };
  const ERROR = proto.WebMessageInfo.Status.ERROR;

  it("carry WhatsApp's nack code, whether it came as an update or merged into our own upsert", () => {
    const update = toMessageStatus(ref, { key, update: { status: ERROR, messageStubParameters: ['463', 'restricted'] } });
    const merged = toOwnMessageStatus(ref, { key, status: ERROR, messageStubParameters: ['463'] } as WAMessage);
    expect([update?.errorCode, merged?.errorCode]).toEqual(['463', '463']);
    expect([update?.status, merged?.status]).toEqual(['error', 'error']);
  });

  it('name the receipts and carry no code for them', () => {
    const read = toMessageStatus(ref, { key, update: { status: proto.WebMessageInfo.Status.READ } });
    expect(read).toEqual(expect.objectContaining({ status: 'read', waMessageId: 'OUT1' }));
    expect(read).not.toHaveProperty('errorCode');
  });
});

describe('inbound content', () => {
  const received = (message: proto.IMessage) =>
    toMessageReceived(ref, { key: { id: 'IN1', remoteJid: '111@lid', fromMe: false }, message, messageTimestamp: 1_700_000_000 }, 'live');

  it('reads button and list replies as the choice, with its id', () => {
    const button = received({ buttonsResponseMessage: { selectedButtonId: 'pizza-g', selectedDisplayText: 'Pizza grande' } });
    const list = received({ listResponseMessage: { title: 'Terça 15h', singleSelectReply: { selectedRowId: 'slot-15' } } });
    expect([button?.type, button?.text, button?.metadata.selectedId]).toEqual(['buttonsResponse', 'Pizza grande', 'pizza-g']);
    expect([list?.type, list?.text, list?.metadata.selectedId]).toEqual(['listResponse', 'Terça 15h', 'slot-15']);
  });

  it('keeps a contact card, a location and a document with their words', () => {
    const card = received({ contactMessage: { displayName: 'Dra. Ana', vcard: 'BEGIN:VCARD\nEND:VCARD' } });
    const place = received({ locationMessage: { degreesLatitude: -23.5, degreesLongitude: -46.6, name: 'Loja Centro' } });
    const doc = received({ documentMessage: { fileName: 'receita.pdf', mimetype: 'application/pdf', caption: 'minha receita', fileLength: 10 } });
    expect([card?.type, card?.text, card?.metadata.contactName]).toEqual(['contact', 'Dra. Ana', 'Dra. Ana']);
    expect([place?.type, place?.text, place?.metadata.latitude, place?.metadata.longitude]).toEqual(['location', 'Loja Centro', -23.5, -46.6]);
    expect([doc?.type, doc?.text, doc?.metadata.fileName, doc?.metadata.mimetype]).toEqual(['document', 'minha receita', 'receita.pdf', 'application/pdf']);
  });
});

describe('toMessageSent', () => {
  const me = { id: '5511000:3@s.whatsapp.net', lid: '999:3@lid' };
  const withAlt = (m: WAMessage, remoteJidAlt: string): WAMessage => ({ ...m, key: { ...m.key, remoteJidAlt } as WAMessage['key'] });

  it('reports our own chat messages (never as received), with the contact alternative address and no push name', () => {
    const typed = withAlt(text('E', true, 'já vai'), '5511999@s.whatsapp.net');
    expect(toMessageReceived(ref, typed, 'live')).toBeNull();
    const event = toMessageSent(ref, typed, 'live', me);
    expect(event).toMatchObject({ ...ref, waMessageId: 'E', remoteJid: '111@lid', remoteJidAlt: '5511999@s.whatsapp.net', text: 'já vai', type: 'text', delivery: 'live', isGroup: false });
    expect(event).not.toHaveProperty('pushName');
    expect(toMessageSent(ref, text('F', false, 'oi'), 'live', me)).toBeNull();
  });

  it('drops an alternative address that is our own account (it names no contact), and protocol messages', () => {
    expect(toMessageSent(ref, withAlt(text('G', true, 'x'), '5511000@s.whatsapp.net'), 'offline', me)?.remoteJidAlt).toBeNull();
    const revoke = { key: { id: 'H', remoteJid: '111@lid', fromMe: true }, message: { protocolMessage: { type: proto.Message.ProtocolMessage.Type.REVOKE } } };
    expect(toMessageSent(ref, revoke, 'live', me)).toBeNull();
  });
});
