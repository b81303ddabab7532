// The contract of the Evolution API v2 routes Drin answers, in Evolution's own field names. Request
// objects are not strict: Evolution's clients send settings Drin has no use for (rejectCall,
// proxy…), and Evolution ignores what it does not know. What Drin reads is validated.
import { z } from 'zod';

/** An instance name as it stands in a path: what Evolution clients use (tenant_…, Loja 1). */
export const ZInstanceName = z
  .string()
  .regex(/^[A-Za-z0-9 _.@-]{1,100}$/, 'an instance name: 1 to 100 letters, digits, spaces and _ . @ -')
  .describe('the Evolution instance name');

export const ZInstanceParams = z.strictObject({ instanceName: ZInstanceName });

/** An instance token a client chooses itself (else Drin makes one). */
export const ZInstanceToken = z.string().min(16).max(255).regex(/^[\x21-\x7e]+$/, 'visible ASCII');

/** Evolution's webhook event names, as clients send them. */
export const EVOLUTION_EVENTS = [
  'APPLICATION_STARTUP', 'QRCODE_UPDATED', 'MESSAGES_SET', 'MESSAGES_UPSERT', 'MESSAGES_EDITED', 'MESSAGES_UPDATE', 'MESSAGES_DELETE',
  'SEND_MESSAGE', 'SEND_MESSAGE_UPDATE', 'CONTACTS_SET', 'CONTACTS_UPSERT', 'CONTACTS_UPDATE', 'PRESENCE_UPDATE', 'CHATS_SET',
  'CHATS_UPSERT', 'CHATS_UPDATE', 'CHATS_DELETE', 'GROUPS_UPSERT', 'GROUP_UPDATE', 'GROUP_PARTICIPANTS_UPDATE', 'CONNECTION_UPDATE',
  'LABELS_EDIT', 'LABELS_ASSOCIATION', 'CALL', 'TYPEBOT_START', 'TYPEBOT_CHANGE_STATUS', 'REMOVE_INSTANCE', 'LOGOUT_INSTANCE',
  'INSTANCE_CREATE', 'INSTANCE_DELETE', 'STATUS_INSTANCE',
] as const;
export const ZEvolutionEvent = z.enum(EVOLUTION_EVENTS);
export type TEvolutionEvent = z.infer<typeof ZEvolutionEvent>;

const ZHeaderValues = z
  .record(z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'a header name: letters, digits and -'), z.string().min(1).max(1024).regex(/^[\t\x20-\x7e]*$/, 'printable ASCII'))
  .refine((h) => Object.keys(h).length <= 10, 'at most 10 headers');

const ZUrl = z.url({ protocol: /^https?$/ }).max(2048);

export const ZWebhookSettings = z
  .object({
    enabled: z.boolean().default(true),
    url: ZUrl,
    headers: ZHeaderValues.optional(),
    byEvents: z.boolean().optional().describe('post each event to url + "/" + its name (messages-upsert…)'),
    base64: z.boolean().optional().describe('accepted; media is not inlined (Drin serves it from its media route)'),
    /** The same two, as n8n's Evolution node names them. */
    webhookByEvents: z.boolean().optional(),
    webhookBase64: z.boolean().optional(),
    events: z.array(ZEvolutionEvent).max(EVOLUTION_EVENTS.length).default([]).describe('none: every event Drin delivers'),
  })
  .transform(({ webhookByEvents, webhookBase64, byEvents, base64, ...w }) => ({ ...w, byEvents: byEvents ?? webhookByEvents ?? false, base64: base64 ?? webhookBase64 ?? false }));
export type TWebhookSettings = z.infer<typeof ZWebhookSettings>;

export const ZWebhookSet = z.object({ webhook: ZWebhookSettings });

/** Where an admin puts an instance on an existing store's slot instead of a new store. */
const ZDrinPlacement = z.strictObject({
  storeId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a store id'),
  slot: z.number().int().min(1).max(10).optional().describe('default: the store\'s first slot with no instance'),
});

export const ZInstanceCreate = z.object({
  instanceName: ZInstanceName,
  token: ZInstanceToken.optional().describe('the instance\'s own apikey; made when not given'),
  qrcode: z.boolean().default(false).describe('start the slot and answer with its first QR'),
  integration: z.string().default('WHATSAPP-BAILEYS').describe('only WHATSAPP-BAILEYS'),
  number: z.string().regex(/^\d{8,15}$/, 'digits only, with the country code').optional().describe('with qrcode: a pairing code for this number too'),
  webhook: ZWebhookSettings.optional(),
  drin: ZDrinPlacement.optional().describe('Drin only: the existing store (and slot) this instance is'),
  // What Evolution would wire up and Drin has no counterpart for: refused, not silently dropped.
  chatwootUrl: z.string().optional(),
  proxyHost: z.string().optional(),
  rabbitmq: z.object({ enabled: z.boolean().optional() }).optional(),
  sqs: z.object({ enabled: z.boolean().optional() }).optional(),
  websocket: z.object({ enabled: z.boolean().optional() }).optional(),
  nats: z.object({ enabled: z.boolean().optional() }).optional(),
});
export type TInstanceCreate = z.infer<typeof ZInstanceCreate>;

export const ZConnectQuery = z.strictObject({ number: z.string().regex(/^\d{8,15}$/, 'digits only, with the country code').optional() });
export const ZFetchQuery = z.strictObject({ instanceName: ZInstanceName.optional(), instanceId: z.string().max(64).optional() });

/** Evolution's connection state words. */
export const ZState = z.enum(['open', 'connecting', 'close']);
export type TState = z.infer<typeof ZState>;

export const ZQrCode = z.object({
  pairingCode: z.string().nullable(),
  code: z.string().nullable().describe('the raw QR string'),
  base64: z.string().nullable().describe('the QR as a data:image/png;base64 URL'),
  count: z.number().int(),
});

export const ZConnectionState = z.object({ instance: z.object({ instanceName: z.string(), state: ZState }) });

export const ZInstanceCreated = z.object({
  instance: z.object({ instanceName: z.string(), instanceId: z.string(), integration: z.string(), status: ZState }),
  hash: z.string().describe('the instance token: shown in this answer only'),
  webhook: z.object({ webhookUrl: z.string().nullable(), webhookByEvents: z.boolean(), webhookBase64: z.boolean() }),
  settings: z.record(z.string(), z.unknown()),
  qrcode: ZQrCode.optional(),
});

export const ZInstanceInfo = z.object({
  id: z.string(),
  name: z.string(),
  connectionStatus: ZState,
  ownerJid: z.string().nullable(),
  profileName: z.string().nullable(),
  profilePicUrl: z.null(),
  integration: z.string(),
  number: z.string().nullable(),
  token: z.null().describe('never shown again after create'),
  clientName: z.literal('drin'),
  disconnectionReasonCode: z.null(),
  disconnectionObject: z.string().nullable(),
  disconnectionAt: z.null(),
  createdAt: z.string(),
  updatedAt: z.string().nullable(),
  drin: z.object({ storeId: z.string(), slot: z.number().int(), status: z.string() }),
});

export const ZSuccess = z.object({ status: z.literal('SUCCESS'), error: z.literal(false), response: z.object({ message: z.string() }) });

export const ZWebhookFound = z
  .object({
    id: z.string(),
    url: z.string(),
    enabled: z.boolean(),
    events: z.array(ZEvolutionEvent),
    webhookByEvents: z.boolean(),
    webhookBase64: z.boolean(),
    headers: z.record(z.string(), z.string()).describe('names only: values are kept encrypted and never shown'),
    createdAt: z.string(),
    updatedAt: z.string(),
    instanceId: z.string(),
  })
  .nullable();

// Messages. `number` is a phone number (digits, any format Drin reads) or a JID.
const ZNumber = z.string().trim().min(3).max(64).describe('the recipient: phone number with country code, or a JID');
const ZDelay = z.number().int().min(0).max(300_000).optional().describe('ms to wait before sending (Drin shows "typing…" meanwhile for text)');

/** A reply: the quoted message's WhatsApp id (a message of this chat Drin stored). */
const ZQuoted = z.object({ key: z.object({ id: z.string().min(1).max(128) }) }).optional();

export const ZSendText = z.object({ number: ZNumber, text: z.string().min(1).max(4096), delay: ZDelay, linkPreview: z.boolean().optional(), quoted: ZQuoted });
export type TSendText = z.infer<typeof ZSendText>;

/** A URL, a data: URL or bare base64, as Evolution takes media. */
const ZMediaSource = z.string().min(1).max(100 * 1024 * 1024).describe('an http(s) URL, or the bytes as base64 (a data: URL too)');
const ZOptionalText = (max: number) => z.string().max(max).optional().transform((v) => (v ? v : undefined));

export const ZSendMedia = z.object({
  number: ZNumber,
  mediatype: z.enum(['image', 'document', 'video', 'audio']),
  media: ZMediaSource,
  mimetype: z.string().max(127).optional().transform((v) => (v ? v : undefined)),
  caption: ZOptionalText(1024),
  fileName: ZOptionalText(255),
  delay: ZDelay,
  quoted: ZQuoted,
});
export type TSendMedia = z.infer<typeof ZSendMedia>;

export const ZSendAudio = z.object({ number: ZNumber, audio: ZMediaSource, delay: ZDelay, quoted: ZQuoted });
export type TSendAudio = z.infer<typeof ZSendAudio>;

export const ZSendLocation = z.object({
  number: ZNumber,
  latitude: z.number().min(-90).max(90),
  longitude: z.number().min(-180).max(180),
  name: ZOptionalText(256),
  address: ZOptionalText(512),
  delay: ZDelay,
});
export type TSendLocation = z.infer<typeof ZSendLocation>;

export const ZSendContact = z.object({
  number: ZNumber,
  contact: z
    .array(z.object({ fullName: z.string().min(1).max(256), phoneNumber: z.string().trim().min(3).max(40), wuid: z.string().max(64).optional(), organization: z.string().max(256).optional(), email: z.string().max(256).optional(), url: z.string().max(2048).optional() }))
    .min(1)
    .max(1, 'Drin sends one contact card per message: send each card on its own'),
});
export type TSendContact = z.infer<typeof ZSendContact>;

export const ZSendReaction = z.object({
  key: z.object({ id: z.string().min(1).max(128), remoteJid: z.string().min(3).max(128), fromMe: z.boolean() }),
  reaction: z.string().max(16).describe('an emoji; empty takes the reaction back'),
});
export type TSendReaction = z.infer<typeof ZSendReaction>;

export const ZMessageKey = z.object({ remoteJid: z.string(), fromMe: z.boolean(), id: z.string() });

export const ZSentMessage = z.object({
  key: ZMessageKey,
  pushName: z.string(),
  status: z.literal('PENDING'),
  message: z.record(z.string(), z.unknown()),
  messageType: z.string(),
  messageTimestamp: z.number().int(),
  instanceId: z.string(),
  source: z.string(),
  drin: z.object({ messageId: z.string(), notBefore: z.string(), heldBy: z.string().nullable() }),
});

/** Evolution's error answer: its clients read status, error and response.message. */
export const ZEvolutionError = z.object({
  status: z.number().int(),
  error: z.string(),
  response: z.object({ message: z.array(z.unknown()) }),
});
