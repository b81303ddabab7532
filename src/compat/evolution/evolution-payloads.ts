// Drin's events in Evolution API's words: the connection state, the webhook event names, and the
// body of each delivery — { event, instance, data, destination, date_time, … } with data as
// Evolution's Baileys service writes it (key, pushName, message, messageType, messageTimestamp…).
// The outbox stores Drin's standard body; an Evolution hook's delivery is rendered from it here,
// at delivery time, so a retry or a replay renders the same. Pure functions.
import type { TSlotStatus } from '../../kernel/index.js';
import type { OutboxEvent, PayloadFormat, WebhookEventName } from '../../webhooks/index.js';
import type { TEvolutionEvent, TState } from './evolution.schemas.js';

/** Drin's slot status in Evolution's three words. */
export function stateOf(status: TSlotStatus): TState {
  if (status === 'connected') return 'open';
  if (status === 'connecting' || status === 'qrcode' || status === 'reconnecting') return 'connecting';
  return 'close';
}

/** The Evolution events Drin delivers, and the Drin event each one is. The rest are accepted and never sent. */
export const DELIVERED_EVENTS: Partial<Record<TEvolutionEvent, WebhookEventName>> = {
  MESSAGES_UPSERT: 'message.received',
  SEND_MESSAGE: 'message.sent',
  MESSAGES_UPDATE: 'message.status',
  CONNECTION_UPDATE: 'session.status',
  QRCODE_UPDATED: 'session.qr',
};

const EVENT_NAME: Partial<Record<WebhookEventName, string>> = {
  'message.received': 'messages.upsert',
  'message.sent': 'send.message',
  'message.status': 'messages.update',
  'session.status': 'connection.update',
  'session.qr': 'qrcode.updated',
};

/** What an Evolution hook's row keeps beside the URL (webhooks.format_options); never a secret. */
export interface EvolutionFormatOptions {
  instanceName: string;
  instanceId: string;
  byEvents: boolean;
  base64: boolean;
  /** The events as the client asked for them (find answers these). */
  events: TEvolutionEvent[];
}

const RECEIPT: Record<string, string> = { error: 'ERROR', pending: 'PENDING', server_ack: 'SERVER_ACK', delivered: 'DELIVERY_ACK', read: 'READ', played: 'PLAYED' };

type Data = Record<string, unknown>;
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const seconds = (iso: unknown): number => Math.floor(new Date(String(iso)).getTime() / 1000);
const defined = (o: Data): Data => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined));

/** Baileys' message content, as far as the event's (or a stored message's) JSON-safe fields tell it. */
export function messageOf(d: Data): { message: Data; messageType: string } {
  const type = String(d.type ?? 'unknown');
  const m = (d.metadata ?? {}) as Data;
  const text = str(d.text);
  if (type === 'text') return { message: { conversation: text ?? '' }, messageType: 'conversation' };
  const messageType = `${type}Message`;
  if (type === 'location') return { message: { locationMessage: defined({ degreesLatitude: m.latitude, degreesLongitude: m.longitude, name: m.locationName }) }, messageType };
  if (type === 'reaction') return { message: { reactionMessage: defined({ text: m.reaction, key: m.reactsTo ? { id: m.reactsTo } : null }) }, messageType };
  if (type === 'contact') return { message: { contactMessage: defined({ displayName: m.contactName }) }, messageType };
  const content = defined({ caption: m.caption, mimetype: m.mimetype, fileName: m.fileName, fileLength: m.fileLength, ptt: m.voice });
  return { message: { [messageType]: content }, messageType };
}

function messageData(d: Data, fromMe: boolean, o: EvolutionFormatOptions): Data {
  const key = defined({ remoteJid: d.remoteJid, remoteJidAlt: d.remoteJidAlt, fromMe, id: d.waMessageId, participant: d.participant });
  return {
    key,
    pushName: str(d.pushName),
    status: fromMe ? 'SERVER_ACK' : 'DELIVERY_ACK',
    ...messageOf(d),
    messageTimestamp: seconds(d.sentAt),
    instanceId: o.instanceId,
    source: 'unknown',
  };
}

function dataOf(body: OutboxEvent['body'], o: EvolutionFormatOptions): Data {
  const d = body.data;
  switch (body.type) {
    case 'message.received':
      return messageData(d, false, o);
    case 'message.sent':
      return messageData(d, true, o);
    case 'message.status':
      return { keyId: d.waMessageId, remoteJid: d.remoteJid, fromMe: true, participant: null, status: RECEIPT[String(d.status)] ?? 'PENDING', instanceId: o.instanceId, messageId: d.messageId ?? null };
    case 'session.status':
      return defined({ instance: o.instanceName, state: stateOf(d.status as TSlotStatus), statusReason: d.status === 'connected' ? 200 : null, wuid: d.jidPn, profileName: d.pushName });
    case 'session.qr':
      return { qrcode: { instance: o.instanceName, pairingCode: null, code: d.qr, base64: d.qrDataUrl } };
    default:
      return d;
  }
}

/** The `evolution` payload format, registered with the webhook worker. */
export const renderEvolutionDelivery: PayloadFormat = (body, options, url) => {
  const o = options as EvolutionFormatOptions;
  const event = EVENT_NAME[body.type] ?? body.type;
  // Evolution's per-event URLs: the base URL + "/messages-upsert", "/connection-update"…
  const target = o.byEvents ? `${url.replace(/\/+$/, '')}/${event.replace(/\./g, '-')}` : url;
  return {
    url: target,
    // apikey: Evolution puts the instance's token here; Drin never sends a secret in a payload.
    body: { event, instance: o.instanceName, data: dataOf(body, o), destination: target, date_time: body.timestamp, sender: null, server_url: null, apikey: null },
  };
};
