// Sends: accepting one (any process: recipient, slot, limits, media, then a queued row), reading
// one back with its status history, and turning WhatsApp's receipts into statuses (a durable
// subscriber of message.status, in whichever process owns the slot).
import { generateMessageIDV2 } from '@whiskeysockets/baileys';
import type { Logger } from 'pino';
import type { MessageStatusEvent } from '../events/domain-events.js';
import { retryWhileTransient } from '../events/durable-retry.js';
import type { DomainEventBus } from '../events/event-bus.js';
import { isDatabaseUnavailableError } from '../http/dependency-errors.js';
import { AppError, ErrorCode, type TMessageStatus } from '../kernel/index.js';
import type { SlotEngine } from '../whatsapp/engine/index.js';
import { fetchMedia, type MediaFetchOptions } from './media-fetch.js';
import { textOf, type QueuedRequest } from './message-content.js';
import { checkNumbers, numbersToJids } from './number-check.js';
import { isMediaRequest, type TCheckNumbersBody, type TCheckNumbersResult, type TSendAccepted, type TSendRequest, type TSendSettings, type TSendSettingsPatch, type TSentMessage, type TPresenceBody, type TPresenceResult } from './outbound.schemas.js';
import type { AcceptedSend, OutboundRepo } from './outbound.repo.js';
import { resolveRecipient } from './recipient.js';
import type { SendGovernor } from './send-governor.js';
import type { SendLookupsRepo } from './send-lookups.repo.js';
import { quietUntil, readSendPolicy, ZSendPolicyPatch } from './send-policy.js';

const RECEIPT_STATUS: Partial<Record<MessageStatusEvent['status'], TMessageStatus>> = {
  server_ack: 'sent',
  delivered: 'delivered',
  read: 'read',
  played: 'played',
  error: 'failed',
};

/** What WhatsApp's nack codes mean, for the status a store owner reads. */
function nackReason(code: string | undefined): string {
  if (code === '463') return 'whatsapp_463: WhatsApp refused a new chat from this number (reach-out timelock); new chats are held, replies continue';
  return `whatsapp_error_${code ?? 'unknown'}`;
}

const DEFAULT_MIMETYPE: Record<string, string> = { image: 'image/jpeg', video: 'video/mp4', audio: 'audio/ogg; codecs=opus', document: 'application/octet-stream' };

/** A receipt waits this long for Postgres to come back (the slot's later events wait behind it). */
const RECEIPT_RETRY_MS = 5 * 60_000;

const conflict = (message: string) => new AppError(ErrorCode.CONFLICT, message);

/** Who a send is from, when not the API's caller (kept in the message's metadata). */
/** Who asked for a send, kept in its metadata: the bot's turn, or an AI agent's MCP connection. */
export type SendOrigin = { origin: 'bot'; turnId: string } | { origin: 'mcp'; connectionId: string };

export interface OutboundDeps {
  engine: SlotEngine;
  repo: OutboundRepo;
  lookups: SendLookupsRepo;
  governor: SendGovernor;
  media: MediaFetchOptions;
  maxSlots: number;
  log: Logger;
}

/** What a request names resolved at accept time; `original` (a forward's type and text) is for the row, not the queue. */
type Refs = Pick<QueuedRequest, 'target' | 'quoted' | 'forwarded'> & { original?: { type: string; text: string | null } };

export function createOutboundService(deps: OutboundDeps) {
  const { repo, lookups, governor, log } = deps;

  /** The given slot, else the one the contact last wrote to, else the first connected one. */
  async function chooseSlot(storeId: string, jid: string, asked: number | undefined): Promise<number> {
    const slots = await lookups.slots(storeId);
    const usable = (n: number) => slots.some((s) => s.slot === n && s.linkedAt && s.desired === 'running');
    if (asked !== undefined) {
      if (asked > deps.maxSlots) throw new AppError(ErrorCode.VALIDATION_FAILED, `slot must be from 1 to ${deps.maxSlots}`, [{ path: ['slot'], message: `must be from 1 to ${deps.maxSlots}` }]);
      if (!usable(asked)) throw conflict(`Slot ${asked} has no linked WhatsApp number running; link it on /connections or send from another slot`);
      return asked;
    }
    const last = await lookups.lastInboundSlot(storeId, [jid]);
    if (last !== null && usable(last)) return last;
    const connected = slots.find((s) => s.status === 'connected');
    if (!connected) throw conflict('No WhatsApp number of this store is connected; link one on /connections');
    return connected.slot;
  }

  async function mediaOf(request: TSendRequest): Promise<{ bytes: Buffer; mimetype: string } | null> {
    if (!isMediaRequest(request)) return null;
    const fetched = request.base64 !== undefined ? { bytes: Buffer.from(request.base64, 'base64') } : await fetchMedia(request.url!, deps.media);
    if (fetched.bytes.length > deps.media.maxBytes) throw new AppError(ErrorCode.PAYLOAD_TOO_LARGE, `the media is over the ${deps.media.maxBytes}-byte limit`);
    if (!fetched.bytes.length) throw new AppError(ErrorCode.VALIDATION_FAILED, 'the media is empty', [{ path: ['base64'], message: 'empty' }]);
    const mimetype = request.mimetype ?? ('mimetype' in fetched ? fetched.mimetype : undefined) ?? DEFAULT_MIMETYPE[request.type]!;
    return { bytes: fetched.bytes, mimetype };
  }

  /** A reaction's target, a reply's quote and a forward's message, which must be this store's own. */
  async function references(storeId: string, request: TSendRequest): Promise<Refs> {
    const refs: Refs = {};
    if (request.type === 'reaction') {
      const target = await lookups.message(storeId, request.messageId);
      if (!target) throw new AppError(ErrorCode.NOT_FOUND, 'The message reacted to does not exist');
      refs.target = { remoteJid: target.remoteJid, id: target.waMessageId, fromMe: target.direction === 'outbound' };
    }
    if (request.type === 'forward') {
      const original = await lookups.message(storeId, request.messageId);
      if (!original?.payload) throw new AppError(ErrorCode.NOT_FOUND, 'The message to forward does not exist');
      refs.forwarded = Buffer.from(original.payload).toString('base64');
      refs.original = { type: original.type, text: original.text };
    }
    const quotedId = request.options?.quotedId;
    if (quotedId) {
      const quoted = await lookups.message(storeId, quotedId);
      if (!quoted?.payload) throw new AppError(ErrorCode.NOT_FOUND, 'The quoted message does not exist');
      refs.quoted = Buffer.from(quoted.payload).toString('base64');
    }
    return refs;
  }

  /** What the queue keeps of the request: all but the recipient, the slot and the media bytes. */
  function queuedRequest(request: TSendRequest, refs: Refs, mimetype: string | undefined): QueuedRequest {
    const { to: _to, slot: _slot, ...rest } = request;
    const kept: QueuedRequest = 'base64' in rest ? (({ base64: _b, ...r }) => r)(rest) : rest;
    if (mimetype && isMediaRequest(request)) Object.assign(kept, { mimetype });
    const { original: _original, ...resolved } = refs;
    return { ...kept, ...resolved };
  }

  const acceptedView = (a: AcceptedSend): TSendAccepted => ({ id: a.messageId, status: a.status, slot: a.slot, to: a.toJid, waMessageId: a.waMessageId, notBefore: a.notBefore.toISOString(), heldBy: a.heldBy });

  /**
   * With an Idempotency-Key, a repeat (or a concurrent twin) answers with the first send's message.
   * `origin` marks who sent it in the message's metadata (the bot's replies: `{ origin: 'bot', turnId }`).
   */
  async function send(storeId: string, request: TSendRequest, idempotencyKey?: string, origin?: SendOrigin): Promise<TSendAccepted> {
    if (!idempotencyKey) return sendOnce(storeId, request, null, origin);
    const earlier = await repo.acceptedByKey(storeId, idempotencyKey);
    if (earlier) return acceptedView(earlier);
    try {
      return await sendOnce(storeId, request, idempotencyKey, origin);
    } catch (err) {
      const twin = (err as { code?: string }).code === 'P2002' ? await repo.acceptedByKey(storeId, idempotencyKey) : null;
      if (twin) return acceptedView(twin);
      throw err;
    }
  }

  async function sendOnce(storeId: string, request: TSendRequest, idempotencyKey: string | null, origin: SendOrigin | undefined): Promise<TSendAccepted> {
    const { policy, timezone, defaultCountry } = await governor.policyOf(storeId);
    const toJid = resolveRecipient(request.to, defaultCountry);
    const refs = await references(storeId, request);
    const slot = await chooseSlot(storeId, toJid, request.slot);
    await governor.admit(storeId, toJid, policy);
    const media = await mediaOf(request);
    const queued = queuedRequest(request, refs, media?.mimetype);
    const delayed = new Date(Date.now() + (request.options?.delay ?? 0));
    const quiet = quietUntil(policy, timezone, delayed);
    const notBefore = quiet ?? delayed;
    const heldBy = quiet ? 'quiet_hours' : null;
    const waMessageId = generateMessageIDV2();
    const { messageId } = await repo.enqueue({
      storeId,
      slot,
      waMessageId,
      toJid,
      // A forward is stored as what it carries (its text in the inbox, its type in the CRM).
      type: refs.original?.type ?? request.type,
      text: refs.original ? refs.original.text : textOf(request),
      request: JSON.parse(JSON.stringify(queued)),
      media: media?.bytes ?? null,
      metadata: {
        ...(media ? { mimetype: media.mimetype, fileLength: media.bytes.length } : {}),
        ...('fileName' in request && request.fileName ? { fileName: request.fileName } : {}),
        ...(request.options?.quotedId ? { quotedId: request.options.quotedId } : {}),
        ...(origin ?? {}),
      },
      notBefore,
      heldBy,
      idempotencyKey,
    });
    log.info({ storeId, slot, messageId, type: request.type }, 'send queued');
    return { id: messageId, status: 'queued', slot, to: toJid, waMessageId, notBefore: notBefore.toISOString(), heldBy };
  }

  async function onStatus(e: MessageStatusEvent): Promise<void> {
    const status = RECEIPT_STATUS[e.status];
    if (!status) return;
    const reason = status === 'failed' ? nackReason(e.errorCode) : null;
    const receipt = { storeId: e.storeId, slot: e.slot, waMessageId: e.waMessageId, status, reason };
    const moved = await retryWhileTransient(() => repo.applyReceipt(receipt, (stored) => [{ type: 'message.status', event: { ...e, ...stored } }]), {
      isTransient: isDatabaseUnavailableError,
      maxMs: RECEIPT_RETRY_MS,
      log,
      what: 'recording a receipt',
    });
    if (moved && e.errorCode === '463') await governor.recordReachoutRefusal(e.storeId, e.slot);
  }

  async function sendSettings(storeId: string): Promise<TSendSettings> {
    const { policy, defaultCountry } = await governor.policyOf(storeId);
    return { defaultCountry, sendPolicy: policy };
  }

  return {
    send,
    sendSettings,

    async checkNumbers(storeId: string, body: TCheckNumbersBody): Promise<TCheckNumbersResult> {
      const { defaultCountry } = await governor.policyOf(storeId);
      const jids = numbersToJids(body.numbers, defaultCountry);
      const slots = await lookups.slots(storeId);
      const slot = body.slot ?? slots.find((s) => s.status === 'connected')?.slot;
      if (slot === undefined) throw conflict('No WhatsApp number of this store is connected; link one on /connections');
      if (slot > deps.maxSlots) throw new AppError(ErrorCode.VALIDATION_FAILED, `slot must be from 1 to ${deps.maxSlots}`, [{ path: ['slot'], message: `must be from 1 to ${deps.maxSlots}` }]);
      return checkNumbers({ engine: deps.engine, storeId, slot, numbers: body.numbers, jids });
    },

    /**
     * Shows "typing…" (or "recording audio…") in a chat, or ends it (`paused`), from the slot a send
     * there would go from, wherever that slot runs (a presence slot command).
     */
    async showPresence(storeId: string, body: TPresenceBody): Promise<TPresenceResult> {
      const { defaultCountry } = await governor.policyOf(storeId);
      const jid = resolveRecipient(body.to, defaultCountry);
      const slot = await chooseSlot(storeId, jid, body.slot);
      const outcome = await deps.engine.execute({ storeId, slot }, { command: 'presence', jid, state: body.state });
      if (!outcome) throw new AppError(ErrorCode.SERVICE_UNAVAILABLE, 'The process running this slot did not answer; try again');
      if (!outcome.ok) throw conflict(outcome.error ?? 'The presence could not be shown');
      return { slot, to: jid, state: body.state };
    },

    /** Changes some limits (and the default country); fields not given keep their values. */
    async updateSendSettings(storeId: string, patch: TSendSettingsPatch): Promise<TSendSettings> {
      const stored = await lookups.settings(storeId);
      const overrides = { ...(ZSendPolicyPatch.safeParse(stored.sendPolicy).data ?? {}), ...patch.sendPolicy };
      const merged = readSendPolicy(overrides);
      if (merged.typingMinMs > merged.typingMaxMs) {
        throw new AppError(ErrorCode.VALIDATION_FAILED, 'typingMinMs must not exceed typingMaxMs', [{ path: ['sendPolicy', 'typingMinMs'], message: 'exceeds typingMaxMs' }]);
      }
      await lookups.saveSendSettings(storeId, { sendPolicy: overrides, ...(patch.defaultCountry ? { defaultCountry: patch.defaultCountry } : {}) });
      return sendSettings(storeId);
    },

    /** Drin's id of a slot's message named by its WhatsApp key (fromMe: sent by the store), or null. */
    messageIdOf: (storeId: string, slot: number, key: { id: string; fromMe?: boolean }): Promise<string | null> =>
      lookups.idByWaMessageId(storeId, slot, key.id, key.fromMe === undefined ? undefined : key.fromMe ? 'outbound' : 'inbound'),

    async message(storeId: string, id: string): Promise<TSentMessage> {
      const found = await lookups.sentMessage(storeId, id);
      if (!found) throw new AppError(ErrorCode.NOT_FOUND, 'Message not found');
      return found;
    },

    /** Durable: a receipt is recorded before the slot's next event is handled. */
    subscribe(bus: DomainEventBus): () => void {
      return bus.on('message.status', 'send-status', onStatus, { durable: true });
    },
  };
}

export type OutboundService = ReturnType<typeof createOutboundService>;
