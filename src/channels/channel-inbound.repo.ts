// Storing one message n8n hands us from another channel: its contact (found by the channel's
// handle, else a new lead with that identity), its thread on that channel (the open one while its
// last message is under a day old, else a new one) and the row — one transaction. Two deliveries
// racing (the same handle or the same message at once) meet on a unique index; the loser's
// transaction is rolled back and run again, and then finds what the winner wrote.
import type { Db, Prisma } from '../db/prisma.js';
import { writeNoEvents, type NamedEvent, type WriteEventsInTransaction } from '../events/committed-events.js';
import { databaseErrorToAppError } from '../http/dependency-errors.js';
import { ErrorCode, THREAD_WINDOW_MS } from '../kernel/index.js';
import { messageType, type TInboundMessage } from './channels.schemas.js';

const ATTEMPTS = 4;

export interface StoredChannelMessage {
  messageId: string;
  conversationId: string;
  contactId: string;
  duplicate: boolean;
  /** What this delivery created, for the events the service emits after the commit. */
  createdContact: boolean;
  openedConversation: boolean;
  closedConversationIds: string[];
  /** Those as events, written to the outbox with the message: to emit after the commit. */
  events: NamedEvent[];
}

type Tx = Prisma.TransactionClient;

async function contactFor(tx: Tx, storeId: string, channel: string, sender: TInboundMessage['sender']): Promise<{ contactId: string; created: boolean }> {
  const identity = await tx.contactIdentity.findUnique({ where: { storeId_channel_handle: { storeId, channel, handle: sender.handle } }, select: { contactId: true } });
  if (identity) return { contactId: identity.contactId, created: false };
  const name = sender.name ?? null;
  const contact = await tx.contact.create({ data: { storeId, name, pushName: name }, select: { id: true } });
  await tx.contactIdentity.create({ data: { storeId, contactId: contact.id, channel, handle: sender.handle } });
  return { contactId: contact.id, created: true };
}

async function threadFor(tx: Tx, storeId: string, contactId: string, channel: string, at: Date) {
  const open = await tx.conversation.findFirst({ where: { storeId, contactId, channel, status: 'open' }, select: { id: true, lastMessageAt: true, startedAt: true } });
  if (open && at.getTime() - (open.lastMessageAt ?? open.startedAt).getTime() < THREAD_WINDOW_MS) return { conversationId: open.id, opened: false, closed: [] };
  // An open thread gone quiet for a day ends; this message starts the next one.
  if (open) await tx.conversation.update({ where: { id: open.id }, data: { status: 'closed', endedAt: at } });
  const created = await tx.conversation.create({ data: { storeId, contactId, channel, startedAt: at, lastMessageAt: at }, select: { id: true } });
  return { conversationId: created.id, opened: true, closed: open ? [open.id] : [] };
}

/** What a delivery made, as events (a new lead, the thread it closed, the thread it opened). */
function madeEvents(storeId: string, channel: string, r: Omit<StoredChannelMessage, 'events' | 'messageId' | 'duplicate'>): NamedEvent[] {
  const at = new Date();
  const { contactId, conversationId } = r;
  return [
    ...(r.createdContact ? [{ type: 'contact.created', event: { storeId, contactId, source: 'channel', at } } as const] : []),
    ...r.closedConversationIds.map((closed) => ({ type: 'conversation.closed', event: { storeId, conversationId: closed, contactId, channel, source: 'channel', at } }) as const),
    ...(r.openedConversation ? [{ type: 'conversation.opened', event: { storeId, conversationId, contactId, channel, source: 'channel', at } } as const] : []),
  ];
}

async function storeOnce(tx: Tx, storeId: string, channel: string, m: TInboundMessage, writeEvents: WriteEventsInTransaction): Promise<StoredChannelMessage> {
  const existing = await tx.message.findFirst({
    where: { storeId, channel, direction: 'inbound', waMessageId: m.externalId },
    select: { id: true, contactId: true, conversationId: true },
  });
  if (existing) {
    return { messageId: existing.id, contactId: existing.contactId!, conversationId: existing.conversationId!, duplicate: true, createdContact: false, openedConversation: false, closedConversationIds: [], events: [] };
  }
  const at = new Date(m.timestamp);
  const { contactId, created } = await contactFor(tx, storeId, channel, m.sender);
  const thread = await threadFor(tx, storeId, contactId, channel, at);
  const message = await tx.message.create({
    data: {
      storeId,
      channel,
      slot: null,
      contactId,
      conversationId: thread.conversationId,
      waMessageId: m.externalId,
      remoteJid: m.sender.handle,
      direction: 'inbound',
      type: messageType(m.media),
      text: m.text ?? null,
      metadata: { ...(m.media ? { media: m.media } : {}), ...(m.sender.name ? { senderName: m.sender.name } : {}) },
      status: 'received',
      sentAt: at,
    },
    select: { id: true },
  });
  await tx.conversation.update({ where: { id: thread.conversationId }, data: { unreadCount: { increment: 1 } } });
  // A late delivery can be older than what is already there: the last stays the newest.
  await tx.conversation.updateMany({
    where: { id: thread.conversationId, OR: [{ lastMessageAt: null }, { lastMessageAt: { lt: at } }] },
    data: { lastMessageAt: at },
  });
  const made = { contactId, conversationId: thread.conversationId, createdContact: created, openedConversation: thread.opened, closedConversationIds: thread.closed };
  const events = madeEvents(storeId, channel, made);
  await writeEvents(tx, events);
  return { messageId: message.id, duplicate: false, ...made, events };
}

/** A unique index refused the write: someone stored the same handle, thread or message first. */
const lostARace = (err: unknown) => databaseErrorToAppError(err)?.code === ErrorCode.CONFLICT;

/** `writeEvents`: the webhook outbox, for the events of what a delivery made, written with it. */
export function createChannelInboundRepo(db: Db, writeEvents: WriteEventsInTransaction = writeNoEvents) {
  return {
    /** Stores the message once per (store, channel, externalId); a redelivery answers what was stored. */
    async store(storeId: string, channel: string, message: TInboundMessage): Promise<StoredChannelMessage> {
      for (let attempt = 1; ; attempt++) {
        try {
          return await db.$transaction((tx) => storeOnce(tx, storeId, channel, message, writeEvents));
        } catch (err) {
          if (attempt >= ATTEMPTS || !lostARace(err)) throw err;
        }
      }
    },
  };
}

export type ChannelInboundRepo = ReturnType<typeof createChannelInboundRepo>;
