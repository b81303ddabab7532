// Storing one inbound message: its contact (one per person per store, holding both the phone
// number JID and the LID), its conversation thread and the row itself — in one transaction, so a
// crash never leaves a contact or a thread without the message that made it — nor a message
// without its webhook deliveries (the outbox rows commit with it).
import type pg from 'pg';
import type { Db, Prisma } from '../db/prisma.js';
import { isDatabaseUnavailableError } from '../http/dependency-errors.js';
import { createWriteBatcher, THREAD_WINDOW_MS } from '../kernel/index.js';
import { enqueueOutbox, toOutboxEvent, withStoredMessage, type OutboxEntry, type OutboxEvent } from '../webhooks/index.js';
import { storeKnownInbound } from './inbound-queries.js';
import type { InboundRow, StoredInbound } from './inbound-row.js';
import { madeEvents } from './records-made.js';
import { storableJson, storableText } from './row-fields.js';

export type { InboundRow, StoredInbound } from './inbound-row.js';


type Tx = Prisma.TransactionClient;

/** What a write found or made: the id, and whether it is new (a new lead, a thread opened or reopened). */
export interface Found {
  id: string;
  made: boolean;
}

/** The person's contact (found by PN or LID, filling in the other), created as a lead if new. */
export async function findOrCreateContact(tx: Tx, row: Pick<InboundRow, 'storeId' | 'jidPn' | 'jidLid' | 'pushName'>): Promise<Found> {
  const or = [...(row.jidPn ? [{ jidPn: row.jidPn }] : []), ...(row.jidLid ? [{ jidLid: row.jidLid }] : [])];
  const found = await tx.contact.findMany({ where: { storeId: row.storeId, OR: or }, orderBy: { createdAt: 'asc' } });
  // Two rows (one known by PN, one by LID) are the same person: the older keeps both; merging the
  // other's history is the CRM's contact merge, not this path's.
  const contact = found[0];
  const phone = row.jidPn ? `+${row.jidPn.split('@')[0]}` : null;
  if (!contact) {
    const created = await tx.contact.create({
      data: { storeId: row.storeId, jidPn: row.jidPn, jidLid: row.jidLid, phone, pushName: row.pushName, name: row.pushName },
    });
    return { id: created.id, made: true };
  }
  const fill: Prisma.ContactUpdateInput = {};
  if (!contact.jidPn && row.jidPn && found.length === 1) Object.assign(fill, { jidPn: row.jidPn, phone });
  if (!contact.jidLid && row.jidLid && found.length === 1) fill.jidLid = row.jidLid;
  if (row.pushName && row.pushName !== contact.pushName) fill.pushName = row.pushName;
  if (Object.keys(fill).length) await tx.contact.update({ where: { id: contact.id }, data: fill });
  return { id: contact.id, made: false };
}

/**
 * The contact's WhatsApp thread: the open one when its last message is recent; else the latest
 * one reopened if recent; else a new one. (Other channels have threads of their own.)
 */
export async function threadFor(tx: Tx, storeId: string, contactId: string, slot: number, at: Date): Promise<Found> {
  const recent = (c: { lastMessageAt: Date | null; startedAt: Date }) => at.getTime() - (c.lastMessageAt ?? c.startedAt).getTime() < THREAD_WINDOW_MS;
  const channel = 'whatsapp';
  // The open one first ('open' sorts after 'closed'): after a contact merge or a reopen it need
  // not be the latest started, and reopening another would clash with it (one open per channel).
  const latest = await tx.conversation.findFirst({ where: { storeId, contactId, channel }, orderBy: [{ status: 'desc' }, { startedAt: 'desc' }] });
  if (latest && recent(latest)) {
    if (latest.status === 'open') return { id: latest.id, made: false };
    await tx.conversation.update({ where: { id: latest.id }, data: { status: 'open', endedAt: null } });
    return { id: latest.id, made: true };
  }
  // An open thread gone quiet for a day ends; the message starts the next one.
  await tx.conversation.updateMany({ where: { storeId, contactId, channel, status: 'open' }, data: { status: 'closed', endedAt: at } });
  const created = await tx.conversation.create({ data: { storeId, contactId, channel, slot, startedAt: at, lastMessageAt: at } });
  return { id: created.id, made: true };
}

export interface MessageChange {
  storeId: string;
  slot: number;
  targetWaMessageId: string;
  change: 'revoked' | 'edited' | 'reaction';
  text: string | null;
  reaction: string | null;
  from: string;
  at: Date;
}

/** The target's metadata after the change (reactions are kept per person: one each, '' takes it back). */
function changedMetadata(metadata: Record<string, unknown>, c: MessageChange): Prisma.InputJsonObject {
  const at = c.at.toISOString();
  if (c.change === 'revoked') return { ...metadata, deleted: true, deletedAt: at } as Prisma.InputJsonObject;
  if (c.change === 'edited') return { ...metadata, edited: true, editedAt: at } as Prisma.InputJsonObject;
  const reactions = { ...((metadata.reactions as Record<string, string> | undefined) ?? {}) };
  if (c.reaction) reactions[c.from] = c.reaction;
  else delete reactions[c.from];
  return { ...metadata, reactions } as Prisma.InputJsonObject;
}

/** At most this many messages share one hot-path statement. */
const MAX_BATCH = 64;

/**
 * The hot path, batched across the process's slots (each slot sends one message at a time). A
 * batch that fails for a reason other than the database being away is retried row by row, so one
 * bad row fails alone.
 */
function batchedKnownInbound(pool: pg.Pool) {
  type Item = { row: InboundRow; event: OutboxEvent | null };
  const store = (items: readonly Item[]) => storeKnownInbound(pool, items.map((i) => i.row), items.map((i) => i.event));
  return createWriteBatcher<Item, StoredInbound | null>(
    async (items) => {
      try {
        return await store(items);
      } catch (err) {
        if (items.length === 1 || isDatabaseUnavailableError(err)) throw err;
        return Promise.all(items.map((item) => store([item]).then((r) => r[0]!, (e: unknown) => e as Error)));
      }
    },
    { maxBatchSize: MAX_BATCH },
  );
}

/** With `pool`, a known person's message into their open thread takes the one-statement path (inbound-queries.ts). */
export function createInboundRepo(db: Db, pool?: pg.Pool) {
  const storeKnown = pool && batchedKnownInbound(pool);
  return {
    /** Applies a revoke, edit or reaction to the message it targets; false when we never stored that message. */
    async applyChange(c: MessageChange): Promise<boolean> {
      return db.$transaction(async (tx) => {
        const target = await tx.message.findFirst({
          where: { storeId: c.storeId, slot: c.slot, waMessageId: c.targetWaMessageId },
          select: { id: true, metadata: true },
        });
        if (!target) return false;
        const metadata = storableJson(changedMetadata((target.metadata ?? {}) as Record<string, unknown>, c));
        await tx.message.update({
          where: { id: target.id },
          // A revoked message keeps its row (the thread shows "deleted") but not its words.
          data: { metadata, ...(c.change === 'revoked' ? { text: null } : {}), ...(c.change === 'edited' ? { text: storableText(c.text) } : {}) },
        });
        return true;
      });
    },

    /**
     * Stores the message once per (store, slot, WhatsApp id), with its webhook event (`event`:
     * message.received, as toOutboxEvent made it) and those of the lead and thread it made, in
     * the same commit; a redelivery changes nothing.
     */
    async store(row: InboundRow, event: OutboxEvent | null = null): Promise<StoredInbound> {
      const known = storeKnown && !row.isGroup ? await storeKnown({ row, event }) : null;
      if (known) return known;
      return db.$transaction(async (tx) => {
        const existing = await tx.message.findUnique({
          where: { storeId_slot_direction_waMessageId: { storeId: row.storeId, slot: row.slot, direction: 'inbound', waMessageId: row.waMessageId } },
          select: { id: true, contactId: true, conversationId: true },
        });
        if (existing) return { stored: false, messageId: existing.id, contactId: existing.contactId!, conversationId: existing.conversationId };
        const contact = await findOrCreateContact(tx, row);
        const thread = row.isGroup ? null : await threadFor(tx, row.storeId, contact.id, row.slot, row.sentAt);
        const [contactId, conversationId] = [contact.id, thread?.id ?? null];
        const message = await tx.message.create({
          data: {
            storeId: row.storeId,
            slot: row.slot,
            contactId,
            conversationId,
            waMessageId: row.waMessageId,
            remoteJid: row.remoteJid,
            direction: 'inbound',
            type: row.type,
            text: row.text,
            metadata: row.metadata,
            payload: Buffer.from(row.payload),
            status: 'received',
            sentAt: row.sentAt,
          },
          select: { id: true },
        });
        if (conversationId) {
          await tx.conversation.update({ where: { id: conversationId }, data: { unreadCount: { increment: 1 }, slot: row.slot } });
          // Offline deliveries can arrive older than what is already there: the last stays the newest.
          await tx.conversation.updateMany({
            where: { id: conversationId, OR: [{ lastMessageAt: null }, { lastMessageAt: { lt: row.sentAt } }] },
            data: { lastMessageAt: row.sentAt },
          });
        }
        const made = { contact: contact.made, conversation: thread?.made ?? false };
        const announced = madeEvents({ storeId: row.storeId, contactId, conversationId, made });
        const outbox: OutboxEntry[] = [
          ...announced.map((m) => ({ storeId: row.storeId, event: toOutboxEvent(m.type, m.event) })),
          ...(event ? [{ storeId: row.storeId, event: withStoredMessage(event, { messageId: message.id, contactId, conversationId }) }] : []),
        ];
        const outboxRows = (await enqueueOutbox(tx, outbox)).reduce((a, b) => a + b, 0);
        return { stored: true, messageId: message.id, contactId, conversationId, made, madeEvents: announced, outboxRows };
      });
    },
  };
}

export type InboundRepo = ReturnType<typeof createInboundRepo>;
