// A queued request as the Baileys content it sends, and the row fields it is stored with.
import { proto, type AnyMessageContent, type WAMessage } from '@whiskeysockets/baileys';
import type { TSendRequest } from './outbound.schemas.js';

/** What is kept of a request in the queue row: everything but the media bytes (those go to `media`). */
type Without<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type QueuedRequest = Without<TSendRequest, 'base64' | 'to' | 'slot'> & {
  /** A reaction's target, resolved at accept time. */
  target?: { remoteJid: string; id: string; fromMe: boolean };
  /** The quoted message's protobuf, base64, resolved at accept time. */
  quoted?: string;
  /** A forward's message, its protobuf base64, resolved at accept time. */
  forwarded?: string;
};

const vcard = (name: string, phone: string) =>
  ['BEGIN:VCARD', 'VERSION:3.0', `FN:${name}`, `TEL;type=CELL;waid=${phone.replace(/\D/g, '')}:${phone}`, 'END:VCARD'].join('\n');

export function toContent(request: QueuedRequest, media: Buffer | null): AnyMessageContent {
  switch (request.type) {
    case 'text':
      return { text: request.text };
    case 'image':
      return { image: media!, caption: request.caption, mimetype: request.mimetype };
    case 'video':
      return { video: media!, caption: request.caption, mimetype: request.mimetype };
    case 'audio':
      return { audio: media!, mimetype: request.mimetype ?? 'audio/ogg; codecs=opus', ptt: request.ptt ?? false };
    case 'document':
      return { document: media!, mimetype: request.mimetype ?? 'application/octet-stream', fileName: request.fileName ?? 'file', caption: request.caption };
    case 'location':
      return { location: { degreesLatitude: request.latitude, degreesLongitude: request.longitude, name: request.name, address: request.address } };
    case 'contact':
      return { contacts: { displayName: request.contact.name, contacts: [{ vcard: vcard(request.contact.name, request.contact.phone) }] } };
    case 'reaction':
      return { react: { text: request.emoji, key: request.target! } };
    case 'forward':
      return { forward: proto.WebMessageInfo.decode(Buffer.from(request.forwarded!, 'base64')) as WAMessage };
  }
}

export function quotedOf(request: QueuedRequest): WAMessage | undefined {
  return request.quoted ? (proto.WebMessageInfo.decode(Buffer.from(request.quoted, 'base64')) as WAMessage) : undefined;
}

/** The text a stored message shows (the inbox snippet). */
export function textOf(request: TSendRequest): string | null {
  if (request.type === 'text') return request.text;
  if ('caption' in request && request.caption) return request.caption;
  if (request.type === 'location') return request.name ?? null;
  if (request.type === 'contact') return request.contact.name;
  if (request.type === 'reaction') return request.emoji;
  return null;
}
