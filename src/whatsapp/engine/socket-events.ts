// Translation only: Baileys' event shapes in, Drin's domain events out. Nothing here stores,
// answers or decides; subscribers of the bus do.
import { areJidsSameUser, jidNormalizedUser, proto, type BaileysEventMap, type WAMessage, type WAMessageUpdate } from '@whiskeysockets/baileys';
import type {
  MessageChangedEvent,
  MessageHistoryEvent,
  MessageReceivedEvent,
  MessageSentEvent,
  MessageStatusEvent,
  PastMessage,
  SlotRef,
} from '../../events/domain-events.js';

const STATUS_NAMES: Record<number, MessageStatusEvent['status']> = {
  [proto.WebMessageInfo.Status.ERROR]: 'error',
  [proto.WebMessageInfo.Status.PENDING]: 'pending',
  [proto.WebMessageInfo.Status.SERVER_ACK]: 'server_ack',
  [proto.WebMessageInfo.Status.DELIVERY_ACK]: 'delivered',
  [proto.WebMessageInfo.Status.READ]: 'read',
  [proto.WebMessageInfo.Status.PLAYED]: 'played',
};

function textOf(message: proto.IMessage | null | undefined): string | null {
  if (!message) return null;
  return (
    message.conversation ??
    message.extendedTextMessage?.text ??
    message.imageMessage?.caption ??
    message.videoMessage?.caption ??
    message.documentMessage?.caption ??
    // A tap on a button or a list row reads as what the customer chose.
    message.buttonsResponseMessage?.selectedDisplayText ??
    message.listResponseMessage?.title ??
    message.templateButtonReplyMessage?.selectedDisplayText ??
    message.contactMessage?.displayName ??
    message.locationMessage?.name ??
    null
  );
}

function typeOf(message: proto.IMessage | null | undefined): string {
  if (!message) return 'unknown';
  const key = Object.keys(message).find((k) => k !== 'messageContextInfo' && message[k as keyof proto.IMessage]);
  if (key === 'conversation' || key === 'extendedTextMessage') return 'text';
  return key?.replace(/Message$/, '') ?? 'unknown';
}

/** The few fields of a content worth keeping beside the bytes, all JSON-safe. */
function metadataOf(message: proto.IMessage | null | undefined): Record<string, string | number | boolean | null> {
  if (!message) return {};
  const media = message.imageMessage ?? message.videoMessage ?? message.audioMessage ?? message.documentMessage ?? message.stickerMessage;
  const out: Record<string, string | number | boolean | null> = {};
  if (media) {
    out.mimetype = media.mimetype ?? null;
    out.fileLength = media.fileLength === undefined || media.fileLength === null ? null : Number(media.fileLength);
    if ('caption' in media && media.caption) out.caption = media.caption;
    if ('fileName' in media && media.fileName) out.fileName = media.fileName;
    if ('ptt' in media && media.ptt) out.voice = true;
  }
  if (message.locationMessage) {
    out.latitude = message.locationMessage.degreesLatitude ?? null;
    out.longitude = message.locationMessage.degreesLongitude ?? null;
    if (message.locationMessage.name) out.locationName = message.locationMessage.name;
  }
  if (message.reactionMessage) {
    out.reaction = message.reactionMessage.text ?? null;
    out.reactsTo = message.reactionMessage.key?.id ?? null;
  }
  const choice =
    message.buttonsResponseMessage?.selectedButtonId ??
    message.listResponseMessage?.singleSelectReply?.selectedRowId ??
    message.templateButtonReplyMessage?.selectedId;
  if (choice) out.selectedId = choice;
  if (message.contactMessage) out.contactName = message.contactMessage.displayName ?? null;
  if (message.contactsArrayMessage) out.contactCount = message.contactsArrayMessage.contacts?.length ?? 0;
  const quoted = message.extendedTextMessage?.contextInfo?.stanzaId;
  if (quoted) out.quotedId = quoted;
  return out;
}

function toDate(timestamp: WAMessage['messageTimestamp']): Date {
  const seconds = typeof timestamp === 'number' ? timestamp : Number(timestamp ?? 0);
  return seconds > 0 ? new Date(seconds * 1000) : new Date();
}

/**
 * A change to an earlier message (revoke, edit, reaction), or null. WhatsApp sends each as a
 * message of its own; it is not a new message of the chat. A contact's, or — for a revoke or an
 * edit — the store owner's own, made on the phone (our reactions are kept as sent messages).
 */
export function toMessageChange(ref: SlotRef, m: WAMessage): MessageChangedEvent | null {
  const key = m.key;
  if (!key?.remoteJid) return null;
  const protocol = m.message?.protocolMessage;
  if (key.fromMe && !protocol) return null;
  const from = jidNormalizedUser(key.participant || key.remoteJid);
  const base = { ...ref, remoteJid: jidNormalizedUser(key.remoteJid), from, at: toDate(m.messageTimestamp) };
  if (protocol?.key?.id && protocol.type === proto.Message.ProtocolMessage.Type.REVOKE) {
    return { ...base, targetWaMessageId: protocol.key.id, change: 'revoked', text: null, reaction: null };
  }
  if (protocol?.key?.id && protocol.type === proto.Message.ProtocolMessage.Type.MESSAGE_EDIT) {
    return { ...base, targetWaMessageId: protocol.key.id, change: 'edited', text: textOf(protocol.editedMessage), reaction: null };
  }
  const reaction = m.message?.reactionMessage;
  if (reaction?.key?.id) return { ...base, targetWaMessageId: reaction.key.id, change: 'reaction', text: null, reaction: reaction.text ?? '' };
  return null;
}

/** Chats worth keeping: status broadcasts, newsletters and protocol noise are not. */
function isChatMessage(m: WAMessage): boolean {
  const jid = m.key?.remoteJid;
  if (!m.key?.id || !jid || jid === 'status@broadcast' || jid.endsWith('@newsletter')) return false;
  return !(m.message?.protocolMessage || (m.message?.senderKeyDistributionMessage && !textOf(m.message)));
}

/** The fields a live and a past message share. */
function chatMessageFields(m: WAMessage, remoteJidAlt: string | null | undefined) {
  const key = m.key;
  const isGroup = key.remoteJid!.endsWith('@g.us');
  return {
    waMessageId: key.id!,
    remoteJid: jidNormalizedUser(key.remoteJid!),
    remoteJidAlt: remoteJidAlt ? jidNormalizedUser(remoteJidAlt) : null,
    pushName: m.pushName ?? null,
    text: textOf(m.message),
    type: typeOf(m.message),
    sentAt: toDate(m.messageTimestamp),
    isGroup,
    participant: isGroup && key.participant ? jidNormalizedUser(key.participant) : null,
    participantAlt: isGroup && key.participantAlt ? jidNormalizedUser(key.participantAlt) : null,
    metadata: metadataOf(m.message),
    payload: proto.WebMessageInfo.encode(m).finish(),
  };
}

/** An inbound chat message worth reporting, or null (own messages, status broadcasts, protocol noise). */
export function toMessageReceived(ref: SlotRef, m: WAMessage, delivery: 'live' | 'offline'): MessageReceivedEvent | null {
  if (!isChatMessage(m) || m.key.fromMe) return null;
  const mode = (m.key as { addressingMode?: string }).addressingMode;
  return {
    ...ref,
    ...chatMessageFields(m, (m.key as { remoteJidAlt?: string }).remoteJidAlt),
    addressingMode: mode === 'lid' || mode === 'pn' ? mode : null,
    delivery,
    raw: m,
  };
}

/**
 * The store's own chat message (typed on the phone, or Baileys' report of our own send), or null.
 * `me` is the account (`sock.user`): an alternative address that is our own is no contact's.
 */
export function toMessageSent(ref: SlotRef, m: WAMessage, delivery: 'live' | 'offline', me?: { id?: string; lid?: string }): MessageSentEvent | null {
  if (!isChatMessage(m) || !m.key.fromMe) return null;
  const alt = (m.key as { remoteJidAlt?: string }).remoteJidAlt;
  const ours = !!alt && [me?.id, me?.lid].some((jid) => jid && areJidsSameUser(alt, jid));
  const { pushName: _ours, participant: _me, participantAlt: _alsoMe, ...fields } = chatMessageFields(m, ours ? null : alt);
  return { ...ref, ...fields, delivery };
}

/**
 * A history chunk as past messages, both directions, or null when it holds none. History keys
 * carry no `remoteJidAlt`; the chunk's contact list pairs each chat with its other address.
 */
export function toMessageHistory(ref: SlotRef, h: BaileysEventMap['messaging-history.set']): MessageHistoryEvent | null {
  const alt = new Map<string, string>();
  for (const c of h.contacts ?? []) {
    const other = c.id?.endsWith('@lid') ? c.phoneNumber : c.lid;
    if (c.id && other) alt.set(jidNormalizedUser(c.id), other);
  }
  const messages: PastMessage[] = h.messages.filter(isChatMessage).map((m) => ({
    ...chatMessageFields(m, alt.get(jidNormalizedUser(m.key.remoteJid!))),
    fromMe: !!m.key.fromMe,
    // a history entry of our own message may carry our own push name: it is not the contact's
    pushName: m.key.fromMe ? null : (m.pushName ?? null),
  }));
  if (!messages.length) return null;
  const syncType = h.syncType === undefined || h.syncType === null ? 'UNKNOWN' : (proto.HistorySync.HistorySyncType[h.syncType] ?? String(h.syncType));
  return { ...ref, syncType, messages, at: new Date() };
}

export function toMessageStatus(ref: SlotRef, u: WAMessageUpdate): MessageStatusEvent | null {
  const status = u.update.status;
  if (!u.key.id || !u.key.remoteJid || status === undefined || status === null) return null;
  const name = STATUS_NAMES[status];
  if (!name) return null;
  // Baileys puts the server's nack code first in messageStubParameters.
  const code = name === 'error' ? u.update.messageStubParameters?.[0] : undefined;
  return { ...ref, waMessageId: u.key.id, remoteJid: jidNormalizedUser(u.key.remoteJid), status: name, ...(code ? { errorCode: String(code) } : {}), at: new Date() };
}

/**
 * Our own message as Baileys upserts it. A receipt that arrives while Baileys still holds the
 * message back (about 100 ms after sending) lands in the upsert's status, not in messages.update.
 */
export function toOwnMessageStatus(ref: SlotRef, m: WAMessage): MessageStatusEvent | null {
  if (!m.key?.fromMe || m.status === undefined || m.status === null) return null;
  // A nack merged into the upsert brings its code along (messageStubParameters), as in an update.
  return toMessageStatus(ref, { key: m.key, update: { status: m.status, messageStubParameters: m.messageStubParameters } });
}
