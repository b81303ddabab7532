// The rules of the other channels: a store's settings (outbound URL, the secret shown once), the
// two webhooks n8n calls (authenticated by the store's signature only), and queueing a send.
import { randomUUID } from 'node:crypto';
import type { AuditEntry } from '../audit/audit.repo.js';
import { emitCommitted } from '../events/committed-events.js';
import type { DomainEventBus } from '../events/event-bus.js';
import { AppError, ErrorCode } from '../kernel/index.js';
import type { Keyring } from '../security/secret-box.js';
import type { ChannelInboundRepo } from './channel-inbound.repo.js';
import { newChannelSecret, openChannelSecret, sealChannelSecret } from './channel-secret.js';
import { checkTargetUrl, isSignedBy } from '../egress/index.js';
import type { ChannelSendWorker } from './channel-send.worker.js';
import type { ChannelsRepo } from './channels.repo.js';
import {
  ZChannelSendContent,
  type TChannelMedia,
  type TChannelSettings,
  type TInboundMessage,
  type TInboundResult,
  type TStatusCallback,
  type TStatusResult,
} from './channels.schemas.js';

export interface ChannelsServiceDeps {
  repo: ChannelsRepo;
  inbound: ChannelInboundRepo;
  worker: ChannelSendWorker;
  bus: DomainEventBus;
  keyring: Keyring;
  allowPrivateUrls: boolean;
}

/** Who made a settings change, for the audit row. */
export type SettingsActor = Pick<AuditEntry, 'actor' | 'ip' | 'requestId'>;

/** The signed request as received: the exact body bytes and the Standard Webhooks headers. */
export interface SignedRequest {
  rawBody: string;
  headers: Record<string, string | undefined>;
}

export interface QueueChannelSendInput {
  storeId: string;
  conversationId: string;
  text?: string;
  media?: TChannelMedia;
}

const unsigned = () => new AppError(ErrorCode.UNAUTHORIZED, 'Missing or invalid webhook signature (Standard Webhooks, signed with the store\'s channel secret, within 5 minutes)');

export function createChannelsService(deps: ChannelsServiceDeps) {
  const { repo, bus } = deps;

  async function settings(storeId: string): Promise<TChannelSettings> {
    const row = await repo.settings(storeId);
    return {
      outboundUrl: row?.outboundUrl ?? null,
      secretLast4: row?.secretLast4 ?? null,
      inboundUrl: `/api/webhooks/inbound/${storeId}/{channel}`,
      statusUrl: `/api/webhooks/status/${storeId}`,
    };
  }

  /** Unknown store, no secret, a bad or stale signature: the same 401, so it says nothing of which. */
  async function verify(storeId: string, request: SignedRequest): Promise<void> {
    const sealed = (await repo.settings(storeId))?.secretEnc;
    if (!sealed) throw unsigned();
    if (!isSignedBy(openChannelSecret(deps.keyring, storeId, sealed), request.rawBody, request.headers)) throw unsigned();
  }

  return {
    settings,

    async updateSettings(storeId: string, outboundUrl: string | null, actor: SettingsActor): Promise<TChannelSettings> {
      if (outboundUrl !== null) checkTargetUrl(outboundUrl, deps.allowPrivateUrls);
      await repo.setOutboundUrl(storeId, outboundUrl, { ...actor, storeId, action: 'channels.outbound_url_set', resourceType: 'settings', resourceId: storeId, data: { origin: outboundUrl && new URL(outboundUrl).origin } });
      return settings(storeId);
    },

    /** Makes (or replaces) the store's channel secret; the only time it is ever answered. */
    async replaceSecret(storeId: string, actor: SettingsActor): Promise<{ secret: string }> {
      const { secret, last4 } = newChannelSecret();
      await repo.setSecret(storeId, sealChannelSecret(deps.keyring, storeId, secret), last4, { ...actor, storeId, action: 'channels.secret_replaced', resourceType: 'settings', resourceId: storeId });
      return { secret };
    },

    verify,

    /** A message n8n received on another channel; `verify` comes first. */
    async receive(storeId: string, channel: string, message: TInboundMessage): Promise<TInboundResult> {
      const stored = await deps.inbound.store(storeId, channel, message);
      emitCommitted(bus, stored.events);
      return { messageId: stored.messageId, conversationId: stored.conversationId, contactId: stored.contactId, duplicate: stored.duplicate };
    },

    /** A status n8n reports for one of our sends; `verify` comes first. */
    async applyStatus(storeId: string, report: TStatusCallback): Promise<TStatusResult> {
      const result = await repo.applyStatus({
        storeId,
        by: report.messageId !== undefined ? { id: report.messageId } : { waMessageId: report.externalId! },
        status: report.status,
        reason: report.reason ?? null,
        at: report.at ? new Date(report.at) : new Date(),
      });
      if (!result) throw new AppError(ErrorCode.NOT_FOUND, 'No message of this store sent on another channel has that id');
      return result;
    },

    /**
     * Queues a message on the conversation's channel (not WhatsApp): the message row (queued, its
     * external id generated now) and its queue row in one transaction, then wakes the worker.
     * 404 for an unknown conversation; 409 for a WhatsApp one, a contact without a handle on the
     * channel, or a store whose outbound URL or channel secret is not set up.
     */
    async queueChannelSend(input: QueueChannelSendInput): Promise<{ id: string; status: 'queued' }> {
      const content = ZChannelSendContent.parse({ text: input.text, media: input.media });
      const row = await repo.settings(input.storeId);
      if (!row?.outboundUrl || !row.secretEnc) {
        throw new AppError(ErrorCode.CONFLICT, 'The store has no channel outbound URL or no channel secret: set both under /api/client/:storeId/channels first');
      }
      const outcome = await repo.queue(input.storeId, input.conversationId, content, randomUUID());
      if (outcome.kind === 'no_conversation') throw new AppError(ErrorCode.NOT_FOUND, 'No such conversation');
      if (outcome.kind === 'whatsapp') throw new AppError(ErrorCode.CONFLICT, 'This is a WhatsApp conversation: it is sent through a WhatsApp slot, not the channel outbound URL');
      if (outcome.kind === 'no_handle') throw new AppError(ErrorCode.CONFLICT, `The contact has no handle on ${outcome.channel} to send to`);
      deps.worker.kick();
      return { id: outcome.messageId, status: 'queued' };
    },

    /** The periodic scan for sends due (daemon.ts starts it after the engine). */
    start: () => deps.worker.start(),
    /** Waits for sends under way; queued ones stay queued for the next start. */
    stop: () => deps.worker.stop(),
  };
}

export type ChannelsService = ReturnType<typeof createChannelsService>;
