import { randomBytes } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { proto } from '@whiskeysockets/baileys';
import type { FakeContact } from './fake-contact.js';

/** One past message of a chat the phone hands a newly linked device. */
export interface HistoryMessage {
  text: string;
  /** written on the phone (outbound) rather than by the contact */
  fromMe?: boolean;
  /** when it was sent; history is what predates the link */
  at: Date;
  id?: string;
}

export interface HistoryChat {
  contact: FakeContact;
  messages: HistoryMessage[];
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * A small history for tests: `chats` chats of `perChat` texts each, one a day going back from
 * yesterday, so some are older than a week once `perChat` > 7. Text `"<pn> #<n>"`, every other one fromMe.
 */
export function sampleHistory(contacts: FakeContact[], { perChat = 3, now = Date.now() } = {}): HistoryChat[] {
  return contacts.map((contact) => ({
    contact,
    messages: Array.from({ length: perChat }, (_, n) => ({
      text: `${contact.pn} #${n + 1}`,
      fromMe: n % 2 === 1,
      at: new Date(now - (n + 1) * DAY_MS),
    })),
  }));
}

/**
 * The HISTORY_SYNC_NOTIFICATION the phone sends a new companion: an INITIAL_BOOTSTRAP whose
 * HistorySync rides inline (`initialHistBootstrapInlinePayload`, zlib-deflated), which Baileys
 * rc14 decodes without a media download (Utils/history.js). Chats are LID-addressed with their
 * phone number beside, messages newest first, as WhatsApp orders them.
 */
export function historySyncNotification(chats: HistoryChat[]): proto.IMessage {
  const conversations = chats.map(({ contact, messages }) => {
    const newestFirst = [...messages].sort((a, b) => b.at.getTime() - a.at.getTime());
    return {
      id: contact.lidJid,
      pnJid: contact.pnJid,
      name: contact.pushName,
      conversationTimestamp: seconds(newestFirst[0]?.at ?? new Date()),
      messages: newestFirst.map((m, order) => ({ msgOrderId: order + 1, message: webMessage(contact, m) })),
    };
  });
  const history = proto.HistorySync.encode({
    syncType: proto.HistorySync.HistorySyncType.INITIAL_BOOTSTRAP,
    conversations,
    chunkOrder: 0,
    progress: 100,
    phoneNumberToLidMappings: chats.map(({ contact }) => ({ pnJid: contact.pnJid, lidJid: contact.lidJid })),
  }).finish();
  return {
    protocolMessage: {
      type: proto.Message.ProtocolMessage.Type.HISTORY_SYNC_NOTIFICATION,
      historySyncNotification: {
        syncType: proto.HistorySync.HistorySyncType.INITIAL_BOOTSTRAP,
        chunkOrder: 0,
        progress: 100,
        initialHistBootstrapInlinePayload: deflateSync(history),
      },
    },
  };
}

function webMessage(contact: FakeContact, m: HistoryMessage): proto.IWebMessageInfo {
  return {
    key: { remoteJid: contact.lidJid, fromMe: !!m.fromMe, id: m.id ?? historyId() },
    message: { conversation: m.text },
    messageTimestamp: seconds(m.at),
    ...(m.fromMe ? { status: proto.WebMessageInfo.Status.READ } : { pushName: contact.pushName }),
  };
}

const seconds = (at: Date) => Math.floor(at.getTime() / 1000);
const historyId = () => `3EB0${randomBytes(8).toString('hex').toUpperCase()}`;
