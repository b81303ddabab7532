import { getBinaryNodeChild, getBinaryNodeChildren, type BinaryNode } from '@whiskeysockets/baileys';
import type { SimConnection } from './connection.js';
import type { Phone } from './phone.js';

const nowSeconds = () => `${Math.floor(Date.now() / 1000)}`;

/** Every `<enc>` of a client message with the jid it is meant for. */
function encryptedCopies(message: BinaryNode): { jid: string; enc: BinaryNode }[] {
  const participants = getBinaryNodeChildren(getBinaryNodeChild(message, 'participants'), 'to');
  const copies = participants.flatMap((to) => {
    const enc = getBinaryNodeChild(to, 'enc');
    return enc && to.attrs.jid ? [{ jid: to.attrs.jid, enc }] : [];
  });
  const direct = getBinaryNodeChild(message, 'enc');
  if (direct && message.attrs.to) copies.push({ jid: message.attrs.to, enc: direct });
  return copies;
}

/**
 * A message the client sends: the server acks it, and each fake contact it is addressed to
 * decrypts its copy. Copies for jids the simulator does not speak for are dropped.
 */
export function routeClientMessage(message: BinaryNode, connection: SimConnection, phone: Phone): void {
  const id = message.attrs.id ?? '';
  const to = message.attrs.to ?? '';
  const recipient = phone.findContact(to);
  if (phone.refusingNewChats && recipient && !recipient.hasWritten) {
    // 463, the reach-out timelock: WhatsApp takes nothing new from this number to people who never wrote to it.
    connection.sendNode({ tag: 'ack', attrs: { class: 'message', id, from: to, t: nowSeconds(), error: '463' } });
    return;
  }
  connection.sendNode({ tag: 'ack', attrs: { class: 'message', id, from: to, t: nowSeconds() } });
  const fromDevice = phone.account.deviceLidJid(connection.device!.id);
  for (const { jid, enc } of encryptedCopies(message)) {
    const contact = phone.findContact(jid);
    if (!contact || !(enc.content instanceof Uint8Array)) continue;
    contact
      .receiveFromClient({ id, to, fromDevice }, enc.attrs.type ?? 'msg', enc.content)
      .catch((error: unknown) => connection.log.warn({ err: error, id, jid }, 'contact could not decrypt'));
  }
}

/**
 * A receipt the client sends for a contact's message (delivery, read…): ack it and record it.
 * Any receipt but a retry request (the client could not decrypt) tells the server the device has
 * the message, so it is not pushed again at the next login.
 */
export function routeClientReceipt(receipt: BinaryNode, connection: SimConnection, phone: Phone): void {
  const { id = '', to = '', type } = receipt.attrs;
  connection.sendNode({ tag: 'ack', attrs: { class: 'receipt', id, from: to, ...(type ? { type } : {}) } });
  const contact = phone.findContact(to);
  const listed = getBinaryNodeChildren(getBinaryNodeChild(receipt, 'list'), 'item').map((i) => i.attrs.id);
  const ids = [id, ...listed].filter((messageId): messageId is string => !!messageId);
  if (type !== 'retry') phone.receipted(connection.device!.id, ids);
  for (const messageId of ids) contact?.recordClientReceipt({ id: messageId, type: type ?? 'delivery' });
}

/**
 * The client's `<ack class=message error=…>` for a contact's message: it could not take it (a
 * message it cannot decrypt, its storage failing). The message stays owed (no receipt), so it
 * comes again at the next login; the contact records the refusal.
 */
export function routeClientNack(ack: BinaryNode, phone: Phone): void {
  const { id, to, error } = ack.attrs;
  if (ack.attrs.class !== 'message' || !error || !id || !to) return;
  phone.findContact(to)?.recordClientNack({ id, error });
}
