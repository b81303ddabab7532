// The outbound queue in Postgres. A send is accepted by any process: the message row (status
// queued, its WhatsApp id chosen now), its first status event and the job commit together with a
// NOTIFY on drin_slot_work, which reaches the slot's owner only once the rows are there. The owner
// claims jobs one at a time per slot, in order per chat, and records what became of each.
import type { Db, Prisma } from '../db/prisma.js';
import { writeNoEvents, type NamedEvent, type WriteEventsInTransaction } from '../events/committed-events.js';
import { OUTBOUND_PROGRESS, type SlotRef, type TMessageStatus } from '../kernel/index.js';
import { findOrCreateContact, retryingLostRaces, threadFor } from '../messages/index.js';
import { SLOT_CHANNELS } from '../whatsapp/engine/index.js';

export interface NewSend {
  storeId: string;
  slot: number;
  waMessageId: string;
  toJid: string;
  type: string;
  text: string | null;
  request: Prisma.InputJsonObject;
  media: Buffer | null;
  metadata: Prisma.InputJsonObject;
  notBefore: Date;
  heldBy: string | null;
  idempotencyKey: string | null;
}

/** What a send was answered with, found again by its Idempotency-Key. */
export interface AcceptedSend {
  messageId: string;
  slot: number;
  toJid: string;
  notBefore: Date;
  heldBy: string | null;
  status: string;
  waMessageId: string;
}

export interface ClaimedJob {
  id: string;
  storeId: string;
  slot: number;
  messageId: string;
  toJid: string;
  waMessageId: string;
  request: Record<string, unknown>;
  media: Buffer | null;
  attempts: number;
  heldBy: string | null;
}

const isPn = (jid: string) => jid.endsWith('@s.whatsapp.net');

/**
 * WhatsApp stamps messages in whole seconds; ours are stamped the same way, so a reply in the same
 * second as our send is ordered by arrival (created_at), not before it by its missing milliseconds.
 */
const toWhatsAppSecond = (at: Date) => new Date(Math.floor(at.getTime() / 1000) * 1000);

/** The stored row a WhatsApp message is: named in its events (a webhook receiver can look it up). */
export interface StoredMessageIds {
  messageId: string;
  contactId: string | null;
  conversationId: string | null;
}

/** `writeEvents`: the webhook outbox, for a receipt's message.status, written with the status it moved. */
export function createOutboundRepo(db: Db, writeEvents: WriteEventsInTransaction = writeNoEvents) {
  async function addEvent(tx: Prisma.TransactionClient, storeId: string, messageId: string, status: TMessageStatus, reason: string | null) {
    await tx.messageStatusEvent.create({ data: { storeId, messageId, status, errorCode: reason } });
  }

  return {
    /**
     * The send's message, thread and job in one transaction. Two first sends to one new number at
     * once both find no contact; the one that loses the insert runs again and finds it (an
     * Idempotency-Key twin loses every try: the service answers it with the first send).
     */
    async enqueue(send: NewSend): Promise<{ messageId: string }> {
      return retryingLostRaces(() => db.$transaction(async (tx) => {
        const { id: contactId } = await findOrCreateContact(tx, {
          storeId: send.storeId,
          jidPn: isPn(send.toJid) ? send.toJid : null,
          jidLid: send.toJid.endsWith('@lid') ? send.toJid : null,
          pushName: null,
        });
        const now = toWhatsAppSecond(new Date());
        const { id: conversationId } = await threadFor(tx, send.storeId, contactId, send.slot, now);
        const message = await tx.message.create({
          data: {
            storeId: send.storeId,
            slot: send.slot,
            contactId,
            conversationId,
            waMessageId: send.waMessageId,
            remoteJid: send.toJid,
            direction: 'outbound',
            type: send.type,
            text: send.text,
            metadata: send.metadata,
            status: 'queued',
            sentAt: now,
          },
          select: { id: true },
        });
        await addEvent(tx, send.storeId, message.id, 'queued', send.heldBy);
        // Answering a chat is reading it: the dashboard's unread count starts again.
        await tx.conversation.update({ where: { id: conversationId }, data: { lastMessageAt: now, unreadCount: 0 } });
        await tx.outboundJob.create({
          data: {
            storeId: send.storeId,
            slot: send.slot,
            messageId: message.id,
            toJid: send.toJid,
            request: send.request,
            media: send.media ? new Uint8Array(send.media) : null,
            notBefore: send.notBefore,
            heldBy: send.heldBy,
            idempotencyKey: send.idempotencyKey,
          },
        });
        await tx.$executeRaw`SELECT pg_notify(${SLOT_CHANNELS.work}, ${JSON.stringify({ storeId: send.storeId, slot: send.slot })})`;
        return { messageId: message.id };
      }));
    },

    async acceptedByKey(storeId: string, idempotencyKey: string): Promise<AcceptedSend | null> {
      const job = await db.outboundJob.findUnique({
        where: { storeId_idempotencyKey: { storeId, idempotencyKey } },
        select: { messageId: true, slot: true, toJid: true, notBefore: true, heldBy: true, message: { select: { status: true, waMessageId: true } } },
      });
      return job ? { messageId: job.messageId, slot: job.slot, toJid: job.toJid, notBefore: job.notBefore, heldBy: job.heldBy, status: job.message.status, waMessageId: job.message.waMessageId } : null;
    },

    /** A new owner's first act: jobs a previous owner was sending when it died are pending again. */
    async recoverInterrupted(ref: SlotRef): Promise<number> {
      const { count } = await db.outboundJob.updateMany({ where: { storeId: ref.storeId, slot: ref.slot, state: 'sending' }, data: { state: 'pending', claimedBy: null } });
      return count;
    },

    /**
     * The next due job of the slot: the oldest pending one that no earlier job of the same chat
     * is still ahead of (a chat's messages leave in order; other chats do not wait for it).
     */
    async claimNext(ref: SlotRef, processId: string): Promise<ClaimedJob | null> {
      const rows = await db.$queryRaw<Array<Omit<ClaimedJob, 'waMessageId'> & { waMessageId: string }>>`
        UPDATE outbound_jobs j SET state = 'sending', claimed_by = ${processId}, claimed_at = now(), attempts = j.attempts + 1, updated_at = now()
        FROM messages m
        WHERE j.id = (
          SELECT c.id FROM outbound_jobs c
          WHERE c.store_id = ${ref.storeId} AND c.slot = ${ref.slot} AND c.state = 'pending' AND c.not_before <= now()
            AND NOT EXISTS (SELECT 1 FROM outbound_jobs e WHERE e.store_id = c.store_id AND e.slot = c.slot AND e.to_jid = c.to_jid
                            AND e.state IN ('pending', 'sending') AND e.seq < c.seq)
          ORDER BY c.seq LIMIT 1 FOR UPDATE SKIP LOCKED)
          AND m.store_id = j.store_id AND m.id = j.message_id
        RETURNING j.id, j.store_id AS "storeId", j.slot, j.message_id AS "messageId", j.to_jid AS "toJid", m.wa_message_id AS "waMessageId",
                  j.request, j.media, j.attempts, j.held_by AS "heldBy"`;
      const row = rows[0];
      if (!row) return null;
      // Raw bytea comes back as a Uint8Array; Baileys takes media as a Buffer only.
      const job = { ...row, media: row.media ? Buffer.from(row.media) : null };
      await db.message.updateMany({ where: { storeId: job.storeId, id: job.messageId, status: 'queued' }, data: { status: 'sending' } });
      return job;
    },

    /** When the slot's next job falls due (null: none pending). */
    async nextDueAt(ref: SlotRef): Promise<Date | null> {
      const next = await db.outboundJob.findFirst({ where: { storeId: ref.storeId, slot: ref.slot, state: 'pending' }, orderBy: { notBefore: 'asc' }, select: { notBefore: true } });
      return next?.notBefore ?? null;
    },

    /**
     * Back in the queue until `notBefore`, the limit that holds it named (once per change of
     * limit). A limit's hold is not an attempt; a retry after a failed send is.
     */
    async hold(job: ClaimedJob, notBefore: Date, heldBy: string, { attempted = false } = {}): Promise<void> {
      await db.$transaction(async (tx) => {
        await tx.outboundJob.update({
          where: { id: job.id },
          data: { state: 'pending', notBefore, heldBy, claimedBy: null, ...(attempted ? {} : { attempts: { decrement: 1 } }) },
        });
        await tx.message.updateMany({ where: { storeId: job.storeId, id: job.messageId }, data: { status: 'queued' } });
        if (heldBy !== job.heldBy) await addEvent(tx, job.storeId, job.messageId, 'queued', heldBy);
      });
    },

    async markSent(job: ClaimedJob, sent: { payload: Uint8Array; at: Date }): Promise<void> {
      await db.$transaction(async (tx) => {
        // The bytes were only needed to send; the message keeps its protobuf (with the media keys).
        await tx.outboundJob.update({ where: { id: job.id }, data: { state: 'done', media: null, heldBy: null } });
        await tx.message.updateMany({ where: { storeId: job.storeId, id: job.messageId }, data: { payload: Buffer.from(sent.payload), sentAt: toWhatsAppSecond(sent.at) } });
        // A receipt (or WhatsApp's refusal) may have been recorded already: it is not undone.
        const moved = await tx.message.updateMany({ where: { storeId: job.storeId, id: job.messageId, status: { in: ['queued', 'sending'] } }, data: { status: 'sent' } });
        if (moved.count) await addEvent(tx, job.storeId, job.messageId, 'sent', null);
      });
    },

    async markFailed(job: Pick<ClaimedJob, 'id' | 'storeId' | 'messageId'>, reason: string): Promise<void> {
      await db.$transaction(async (tx) => {
        await tx.outboundJob.update({ where: { id: job.id }, data: { state: 'failed', media: null, lastError: reason } });
        await tx.message.updateMany({ where: { storeId: job.storeId, id: job.messageId }, data: { status: 'failed' } });
        await addEvent(tx, job.storeId, job.messageId, 'failed', reason);
      });
    },

    /** A send not taken up (the socket went away): pending again, tried again by whoever owns the slot next. */
    async release(job: ClaimedJob, error: string): Promise<void> {
      await db.outboundJob.update({ where: { id: job.id }, data: { state: 'pending', claimedBy: null, lastError: error } });
      await db.message.updateMany({ where: { storeId: job.storeId, id: job.messageId, status: 'sending' }, data: { status: 'queued' } });
    },

    /**
     * A receipt for one of the slot's sent messages (ours or typed on the phone): the status only
     * moves forward, and every move is kept, with the events `eventsOf` the stored message makes
     * (the receipt's message.status) written to the outbox — a receipt that moves nothing writes
     * nothing. Returns the message id when it moved.
     */
    async applyReceipt(
      r: SlotRef & { waMessageId: string; status: TMessageStatus; reason: string | null },
      eventsOf: (stored: StoredMessageIds) => NamedEvent[] = () => [],
    ): Promise<string | null> {
      return db.$transaction(async (tx) => {
        const message = await tx.message.findUnique({
          where: { storeId_slot_direction_waMessageId: { storeId: r.storeId, slot: r.slot, direction: 'outbound', waMessageId: r.waMessageId } },
          select: { id: true, status: true, contactId: true, conversationId: true },
        });
        if (!message) return null;
        const current = message.status as TMessageStatus;
        const forward = r.status === 'failed' ? current !== 'failed' : current !== 'failed' && OUTBOUND_PROGRESS[r.status] > OUTBOUND_PROGRESS[current];
        if (!forward) return null;
        await tx.message.update({ where: { id: message.id }, data: { status: r.status } });
        // A receipt that beat our own "sent" record: the message was sent, and the history says so.
        if ((current === 'queued' || current === 'sending') && r.status !== 'failed' && r.status !== 'sent') await addEvent(tx, r.storeId, message.id, 'sent', null);
        await addEvent(tx, r.storeId, message.id, r.status, r.reason);
        await writeEvents(tx, eventsOf({ messageId: message.id, contactId: message.contactId, conversationId: message.conversationId }));
        return message.id;
      });
    },
  };
}

export type OutboundRepo = ReturnType<typeof createOutboundRepo>;
