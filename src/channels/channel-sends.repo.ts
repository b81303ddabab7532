// The other channels' outbound queue (channel_sends). Any process claims a due row with FOR UPDATE
// SKIP LOCKED and a lease; a process that dies mid-send leaves a row whose lease lapses and which
// the next claimer (here or elsewhere) takes again. Each outcome is written only while the claim
// still holds (same lease_until), so a send that outlived its lease cannot overwrite a newer one.
import type { Db } from '../db/prisma.js';
import type { TChannelMedia, TOutboundPayload } from './channels.schemas.js';

export interface ClaimedSend {
  id: string;
  storeId: string;
  messageId: string;
  attempts: number;
  leaseUntil: Date;
}

/** What the POST needs: the payload, and where and with what it is signed. */
export interface SendTarget {
  payload: TOutboundPayload;
  outboundUrl: string | null;
  secretEnc: Uint8Array | null;
}

export function createChannelSendsRepo(db: Db) {
  const held = (s: ClaimedSend) => ({ id: s.id, state: 'sending', leaseUntil: s.leaseUntil });

  return {
    /** Claims the oldest due send (pending and due, or sending with a lapsed lease) until `leaseUntil`. */
    async claim(leaseUntil: Date): Promise<ClaimedSend | null> {
      const rows = await db.$queryRaw<{ id: string; store_id: string; message_id: string; attempts: number; lease_until: Date }[]>`
        WITH due AS (
          SELECT id FROM channel_sends
          WHERE (state = 'pending' AND next_attempt_at <= now()) OR (state = 'sending' AND lease_until < now())
          ORDER BY next_attempt_at LIMIT 1 FOR UPDATE SKIP LOCKED
        )
        UPDATE channel_sends s SET state = 'sending', lease_until = ${leaseUntil}, attempts = s.attempts + 1, updated_at = now()
        FROM due WHERE s.id = due.id
        RETURNING s.id, s.store_id, s.message_id, s.attempts, s.lease_until`;
      const r = rows[0];
      return r ? { id: r.id, storeId: r.store_id, messageId: r.message_id, attempts: r.attempts, leaseUntil: r.lease_until } : null;
    },

    async target(send: ClaimedSend): Promise<SendTarget | null> {
      const m = await db.message.findFirst({
        where: { storeId: send.storeId, id: send.messageId },
        select: { channel: true, conversationId: true, waMessageId: true, remoteJid: true, text: true, metadata: true, contact: { select: { name: true, pushName: true } } },
      });
      if (!m) return null;
      const settings = await db.storeSettings.findUnique({ where: { storeId: send.storeId }, select: { channelsOutboundUrl: true, channelsSecretEnc: true } });
      const media = ((m.metadata ?? {}) as { media?: TChannelMedia }).media ?? null;
      return {
        payload: {
          storeId: send.storeId,
          channel: m.channel,
          conversationId: m.conversationId ?? '',
          messageId: send.messageId,
          externalId: m.waMessageId,
          to: { handle: m.remoteJid, name: m.contact?.name ?? m.contact?.pushName ?? null },
          text: m.text,
          media,
        },
        outboundUrl: settings?.channelsOutboundUrl ?? null,
        secretEnc: settings?.channelsSecretEnc ?? null,
      };
    },

    /** n8n took it: the send is done, the message sent (unless a status callback got further first). */
    async markSent(send: ClaimedSend): Promise<void> {
      await db.$transaction(async (tx) => {
        const { count } = await tx.channelSend.updateMany({ where: held(send), data: { state: 'done', leaseUntil: null, lastError: null } });
        if (!count) return;
        const moved = await tx.message.updateMany({ where: { storeId: send.storeId, id: send.messageId, status: { in: ['queued', 'sending'] } }, data: { status: 'sent' } });
        if (moved.count) await tx.messageStatusEvent.create({ data: { storeId: send.storeId, messageId: send.messageId, status: 'sent' } });
      });
    },

    /** A failure worth another try at `at`. */
    async retryAt(send: ClaimedSend, at: Date, error: string): Promise<void> {
      await db.channelSend.updateMany({ where: held(send), data: { state: 'pending', nextAttemptAt: at, leaseUntil: null, lastError: error } });
    },

    /** The last attempt failed: the send and its message are failed, with the reason. */
    async markFailed(send: ClaimedSend, error: string): Promise<void> {
      await db.$transaction(async (tx) => {
        const { count } = await tx.channelSend.updateMany({ where: held(send), data: { state: 'failed', leaseUntil: null, lastError: error } });
        if (!count) return;
        const moved = await tx.message.updateMany({ where: { storeId: send.storeId, id: send.messageId, status: { in: ['queued', 'sending'] } }, data: { status: 'failed' } });
        if (moved.count) await tx.messageStatusEvent.create({ data: { storeId: send.storeId, messageId: send.messageId, status: 'failed', errorCode: error } });
      });
    },
  };
}

export type ChannelSendsRepo = ReturnType<typeof createChannelSendsRepo>;
