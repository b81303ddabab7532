import { proto, type BinaryNode } from '@whiskeysockets/baileys';
import { encMediaType } from './contact-media.js';

export type Addressing = 'lid' | 'pn';
/** Which of its JIDs a contact's stanzas show: both (the usual), or only one (no `sender_pn` / `sender_lid`). */
export type ContactIdentity = 'both' | 'lid-only' | 'pn-only';

export interface ContactJids {
  lidJid: string;
  pnJid: string;
  identity: ContactIdentity;
}

/** One `<enc>` of a stanza: pairwise (`pkmsg` / `msg`) or a group sender-key message (`skmsg`). */
export interface Encrypted {
  type: string;
  ciphertext: Uint8Array;
}

/** WhatsApp's stanza types: media for media, reaction for reactions, text for the rest. */
const stanzaType = (message: proto.IMessage): string =>
  encMediaType(message) ? 'media' : message.reactionMessage ? 'reaction' : 'text';

/** The `edit` attribute WhatsApp puts on edits (1) and deletes for everyone (7). */
function editAttr(message: proto.IMessage): Record<string, string> {
  const type = message.protocolMessage?.type;
  if (type === proto.Message.ProtocolMessage.Type.MESSAGE_EDIT) return { edit: '1' };
  if (type === proto.Message.ProtocolMessage.Type.REVOKE) return { edit: '7' };
  return {};
}

/** `from` and the other JID, as a 1:1 message shows its sender. */
export function directSender(contact: ContactJids, addressing: Addressing): Record<string, string> {
  if (addressing === 'lid') {
    if (contact.identity === 'pn-only') throw new Error('a PN-only contact has no LID to send from');
    return { from: contact.lidJid, ...(contact.identity === 'lid-only' ? {} : { sender_pn: contact.pnJid }), addressing_mode: 'lid' };
  }
  if (contact.identity === 'lid-only') throw new Error('a LID-only contact has no phone number to send from');
  return { from: contact.pnJid, ...(contact.identity === 'pn-only' ? {} : { sender_lid: contact.lidJid }), addressing_mode: 'pn' };
}

/** `from` the group and the author as `participant`, in the group's addressing mode. */
export function groupSender(contact: ContactJids, groupJid: string, addressing: Addressing): Record<string, string> {
  const { from, sender_pn, sender_lid, addressing_mode } = directSender(contact, addressing);
  return {
    from: groupJid,
    participant: from!,
    ...(sender_pn ? { participant_pn: sender_pn } : {}),
    ...(sender_lid ? { participant_lid: sender_lid } : {}),
    addressing_mode: addressing_mode!,
  };
}

/** The author JID the client will see for this contact (what sender keys are named after). */
export function authorJid(contact: ContactJids, addressing: Addressing): string {
  return directSender(contact, addressing).from!;
}

export function contactStanza(
  id: string,
  sender: Record<string, string>,
  message: proto.IMessage,
  pushName: string,
  encs: Encrypted[],
): BinaryNode {
  const mediatype = encMediaType(message);
  return {
    tag: 'message',
    attrs: { ...sender, id, t: `${Math.floor(Date.now() / 1000)}`, type: stanzaType(message), ...editAttr(message), notify: pushName },
    // the message itself is always the last <enc> (a group's sender-key distribution comes first)
    content: encs.map(({ type, ciphertext }, i) => ({
      tag: 'enc',
      attrs: { v: '2', type, ...(mediatype && i === encs.length - 1 ? { mediatype } : {}) },
      content: ciphertext,
    })),
  };
}
