// Evolution's send endpoints onto Drin's send queue: the same governor, limits, quiet hours and
// durable queue as every other send, from the instance's own slot. The answer is Evolution's
// (the message's key with the WhatsApp id it will carry, status PENDING), with Drin's id beside it.
// Evolution names messages by their WhatsApp key; Drin's send API by its own id: quotes and
// reactions are looked up on the instance's slot.
import { AppError, ErrorCode } from '../../kernel/index.js';
import { ZSendRequest, type OutboundService, type TSendRequest } from '../../outbound/index.js';
import type { TSendAudio, TSendContact, TSendLocation, TSendMedia, TSendReaction, TSendText } from './evolution.schemas.js';
import type { InstanceRow } from './instances.repo.js';

type Outbound = Pick<OutboundService, 'send' | 'messageIdOf'>;

/** Evolution's `media`: a URL, or base64 (bare, or as a data: URL). */
function sourceOf(media: string): { url: string } | { base64: string } {
  if (/^https?:\/\//i.test(media)) return { url: media };
  return { base64: media.replace(/^data:[^;,]+;base64,/, '') };
}

const definedOnly = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

export function createEvolutionMessages(deps: { outbound: Outbound }) {
  const { outbound } = deps;

  async function quotedId(i: InstanceRow, quoted: { key: { id: string } } | undefined): Promise<string | undefined> {
    if (!quoted) return undefined;
    const id = await outbound.messageIdOf(i.storeId, i.slot, quoted.key);
    if (!id) throw new AppError(ErrorCode.NOT_FOUND, `The quoted message ${quoted.key.id} is not one this instance has`);
    return id;
  }

  async function options(i: InstanceRow, b: { delay?: number; quoted?: { key: { id: string } } }) {
    const quoted = await quotedId(i, b.quoted);
    const o = definedOnly({ delay: b.delay || undefined, quotedId: quoted });
    return Object.keys(o).length ? { options: o } : {};
  }

  async function queue(i: InstanceRow, asked: TSendRequest, message: Record<string, unknown>, messageType: string) {
    // Drin's own contract checks what Evolution's left open (the URL, the base64, the lengths).
    const request = ZSendRequest.parse(asked);
    const accepted = await outbound.send(i.storeId, request);
    return {
      key: { remoteJid: accepted.to, fromMe: true, id: accepted.waMessageId },
      pushName: '',
      status: 'PENDING' as const,
      message,
      messageType,
      messageTimestamp: Math.floor(Date.now() / 1000),
      instanceId: i.instanceId,
      source: 'unknown',
      drin: { messageId: accepted.id, notBefore: accepted.notBefore, heldBy: accepted.heldBy },
    };
  }

  return {
    sendText: async (i: InstanceRow, b: TSendText) =>
      queue(i, { type: 'text', to: b.number, slot: i.slot, text: b.text, ...(await options(i, b)) }, { conversation: b.text }, 'conversation'),

    sendMedia: async (i: InstanceRow, b: TSendMedia) => {
      const content = definedOnly({ mimetype: b.mimetype, caption: b.caption, fileName: b.fileName });
      const request = { type: b.mediatype, to: b.number, slot: i.slot, ...sourceOf(b.media), ...content, ...(await options(i, b)) } as TSendRequest;
      return queue(i, request, { [`${b.mediatype}Message`]: content }, `${b.mediatype}Message`);
    },

    /** A voice note, as WhatsApp shows a recorded one. */
    sendAudio: async (i: InstanceRow, b: TSendAudio) =>
      queue(i, { type: 'audio', to: b.number, slot: i.slot, ptt: true, ...sourceOf(b.audio), ...(await options(i, b)) } as TSendRequest, { audioMessage: { ptt: true } }, 'audioMessage'),

    sendLocation: async (i: InstanceRow, b: TSendLocation) => {
      const place = definedOnly({ name: b.name, address: b.address });
      return queue(i, { type: 'location', to: b.number, slot: i.slot, latitude: b.latitude, longitude: b.longitude, ...place, ...(await options(i, b)) }, { locationMessage: { degreesLatitude: b.latitude, degreesLongitude: b.longitude, ...place } }, 'locationMessage');
    },

    sendContact: async (i: InstanceRow, b: TSendContact) => {
      const card = b.contact[0]!;
      return queue(i, { type: 'contact', to: b.number, slot: i.slot, contact: { name: card.fullName, phone: card.phoneNumber } }, { contactMessage: { displayName: card.fullName } }, 'contactMessage');
    },

    sendReaction: async (i: InstanceRow, b: TSendReaction) => {
      const target = await outbound.messageIdOf(i.storeId, i.slot, b.key);
      if (!target) throw new AppError(ErrorCode.NOT_FOUND, `The message ${b.key.id} is not one this instance has`);
      return queue(i, { type: 'reaction', to: b.key.remoteJid, slot: i.slot, messageId: target, emoji: b.reaction }, { reactionMessage: { key: b.key, text: b.reaction } }, 'reactionMessage');
    },
  };
}

export type EvolutionMessages = ReturnType<typeof createEvolutionMessages>;
