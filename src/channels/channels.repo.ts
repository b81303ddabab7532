// The store's channel settings (a settings row, made with its defaults when a store first sets
// one), a send queued on another channel (message + status event + queue row, one transaction),
// and the statuses n8n reports for sent messages.
import { writeAudit, type AuditEntry } from '../audit/audit.repo.js';
import type { Db, Prisma } from '../db/prisma.js';
import { OUTBOUND_PROGRESS, type TMessageStatus } from '../kernel/index.js';
import { messageType, type TChannelSendContent } from './channels.schemas.js';

export interface ChannelSettingsRow {
  outboundUrl: string | null;
  secretEnc: Uint8Array | null;
  secretLast4: string | null;
}

export type QueueOutcome =
  | { kind: 'queued'; messageId: string }
  | { kind: 'no_conversation' }
  | { kind: 'whatsapp' }
  | { kind: 'no_handle'; channel: string };

export interface StatusReport {
  storeId: string;
  by: { id: string } | { waMessageId: string };
  status: TMessageStatus;
  reason: string | null;
  at: Date;
}

type ChannelColumns = Partial<Pick<Prisma.StoreSettingsUncheckedCreateInput, 'channelsOutboundUrl' | 'channelsSecretEnc' | 'channelsSecretLast4'>>;

/** A status moves forward only (read never becomes delivered); failed ends it from anywhere but failed. */
export function movesForward(current: TMessageStatus, next: TMessageStatus): boolean {
  if (current === 'failed') return false;
  return next === 'failed' || OUTBOUND_PROGRESS[next] > OUTBOUND_PROGRESS[current];
}

async function addEvent(tx: Prisma.TransactionClient, storeId: string, messageId: string, status: TMessageStatus, reason: string | null, at = new Date()) {
  await tx.messageStatusEvent.create({ data: { storeId, messageId, status, errorCode: reason, at } });
}

export function createChannelsRepo(db: Db) {
  const upsertSettings = (storeId: string, data: ChannelColumns, audit: AuditEntry) =>
    db.$transaction(async (tx) => {
      await tx.storeSettings.upsert({ where: { storeId }, create: { ...data, storeId }, update: data });
      await writeAudit(tx, audit);
    });

  return {
    async settings(storeId: string): Promise<ChannelSettingsRow | null> {
      const row = await db.storeSettings.findUnique({ where: { storeId }, select: { channelsOutboundUrl: true, channelsSecretEnc: true, channelsSecretLast4: true } });
      return row && { outboundUrl: row.channelsOutboundUrl, secretEnc: row.channelsSecretEnc, secretLast4: row.channelsSecretLast4 };
    },

    setOutboundUrl: (storeId: string, url: string | null, audit: AuditEntry) => upsertSettings(storeId, { channelsOutboundUrl: url }, audit),

    /** Replaces the secret: the old one stops verifying at once. */
    setSecret: (storeId: string, sealed: Uint8Array<ArrayBuffer>, last4: string, audit: AuditEntry) =>
      upsertSettings(storeId, { channelsSecretEnc: sealed, channelsSecretLast4: last4 }, audit),

    /** The outbound row (queued, external id chosen now), its first status event and its queue row. */
    async queue(storeId: string, conversationId: string, content: TChannelSendContent, externalId: string): Promise<QueueOutcome> {
      return db.$transaction(async (tx) => {
        const conversation = await tx.conversation.findFirst({ where: { storeId, id: conversationId }, select: { channel: true, contactId: true } });
        if (!conversation) return { kind: 'no_conversation' };
        const { channel, contactId } = conversation;
        if (channel === 'whatsapp') return { kind: 'whatsapp' };
        const identity = await tx.contactIdentity.findFirst({ where: { storeId, contactId, channel }, orderBy: { createdAt: 'desc' }, select: { handle: true } });
        if (!identity) return { kind: 'no_handle', channel };
        const now = new Date();
        const message = await tx.message.create({
          data: {
            storeId,
            channel,
            slot: null,
            contactId,
            conversationId,
            waMessageId: externalId,
            remoteJid: identity.handle,
            direction: 'outbound',
            type: messageType(content.media),
            text: content.text ?? null,
            metadata: content.media ? { media: content.media } : {},
            status: 'queued',
            sentAt: now,
          },
          select: { id: true },
        });
        await addEvent(tx, storeId, message.id, 'queued', null, now);
        await tx.channelSend.create({ data: { storeId, messageId: message.id } });
        // Answering a chat is reading it: the dashboard's unread count starts again.
        await tx.conversation.update({ where: { id: conversationId }, data: { lastMessageAt: now, unreadCount: 0 } });
        return { kind: 'queued', messageId: message.id };
      });
    },

    /** Applies a status to one of the store's outbound messages on another channel; null when there is no such message. */
    async applyStatus(r: StatusReport): Promise<{ messageId: string; status: string; changed: boolean } | null> {
      return db.$transaction(async (tx) => {
        const message = await tx.message.findFirst({
          where: { storeId: r.storeId, direction: 'outbound', channel: { not: 'whatsapp' }, ...r.by },
          select: { id: true, status: true },
        });
        if (!message) return null;
        const current = message.status as TMessageStatus;
        if (!movesForward(current, r.status)) return { messageId: message.id, status: current, changed: false };
        await tx.message.update({ where: { id: message.id }, data: { status: r.status } });
        // A receipt that beat our own "sent" record: the message was sent, and the history says so.
        if ((current === 'queued' || current === 'sending') && r.status !== 'failed' && r.status !== 'sent') await addEvent(tx, r.storeId, message.id, 'sent', null, r.at);
        await addEvent(tx, r.storeId, message.id, r.status, r.reason, r.at);
        return { messageId: message.id, status: r.status, changed: true };
      });
    },
  };
}

export type ChannelsRepo = ReturnType<typeof createChannelsRepo>;
