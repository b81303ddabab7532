import type { proto } from '@whiskeysockets/baileys';
import type { Addressing, ContactJids } from './contact-stanzas.js';

/**
 * What WhatsApp hands the linked devices when the user types a message on the phone itself: the
 * phone's own device 0 sends it (`from` = the account's LID), `recipient` names the chat, and
 * the chat's other address rides as `peer_recipient_pn` / `peer_recipient_lid` (Baileys reads it
 * into `key.remoteJidAlt` and learns the LID↔PN mapping from it). The content is wrapped in a
 * `deviceSentMessage` with its destination; Baileys unwraps it and sees the message fromMe.
 */
export function typedOnPhoneStanza(
  phoneLidJid: string,
  contact: ContactJids,
  message: proto.IMessage,
  addressing: Addressing,
): { sender: Record<string, string>; message: proto.IMessage } {
  if (addressing === 'lid' && contact.identity === 'pn-only') throw new Error('a PN-only contact has no LID to write to');
  if (addressing === 'pn' && contact.identity === 'lid-only') throw new Error('a LID-only contact has no phone number to write to');
  const recipient = addressing === 'lid' ? contact.lidJid : contact.pnJid;
  const peer: Record<string, string> =
    contact.identity !== 'both' ? {} : addressing === 'lid' ? { peer_recipient_pn: contact.pnJid } : { peer_recipient_lid: contact.lidJid };
  return {
    sender: { from: phoneLidJid, recipient, ...peer, addressing_mode: addressing },
    message: { deviceSentMessage: { destinationJid: recipient, message } },
  };
}
