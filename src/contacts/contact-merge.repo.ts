// Two contacts that are one person, made one, in one transaction: everything the other owns
// (messages, conversations, appointments, AI snapshots, channel identities) moves to the kept
// contact, which takes the other's addresses and details it lacks; then the other is deleted. Its
// events (the threads it closed, the kept contact's update) are written with it.
import type { Db, Prisma } from '../db/prisma.js';
import { writeNoEvents, type NamedEvent, type WriteEventsInTransaction } from '../events/committed-events.js';
import { CONTACT_FIELDS, type ContactRow } from './contacts.repo.js';

type Tx = Prisma.TransactionClient;

export interface MergeOutcome {
  contact: ContactRow;
  /** The other's open threads closed because the kept contact had one open on the same channel. */
  closedConversations: Array<{ id: string; channel: string }>;
  /** As written to the outbox with the merge: to emit on the bus now. */
  events: NamedEvent[];
}

/** What the kept contact takes from the other: what it lacks, the union of the tags, both notes. */
function takenFields(keep: ContactRow, other: ContactRow): Prisma.ContactUpdateInput {
  const fill: Prisma.ContactUpdateInput = {};
  for (const k of ['jidPn', 'jidLid', 'phone', 'email', 'name', 'pushName'] as const) if (keep[k] === null && other[k] !== null) fill[k] = other[k];
  const tags = [...new Set([...keep.tags, ...other.tags])];
  if (tags.length !== keep.tags.length) fill.tags = tags;
  if (other.notes) fill.notes = keep.notes ? `${keep.notes}\n\n${other.notes}` : other.notes;
  return fill;
}

/** The other's open threads on a channel where the kept contact has one open too (one open per contact and channel). */
async function closeClashingThreads(tx: Tx, storeId: string, keepId: string, otherId: string, at: Date) {
  const keptOpen = await tx.conversation.findMany({ where: { storeId, contactId: keepId, status: 'open' }, select: { channel: true } });
  const clashing = await tx.conversation.findMany({
    where: { storeId, contactId: otherId, status: 'open', channel: { in: keptOpen.map((c) => c.channel) } },
    select: { id: true, channel: true },
  });
  if (clashing.length) {
    await tx.conversation.updateMany({ where: { storeId, id: { in: clashing.map((c) => c.id) } }, data: { status: 'closed', endedAt: at } });
  }
  return clashing;
}

export function createContactMergeRepo(db: Db, writeEvents: WriteEventsInTransaction = writeNoEvents) {
  return {
    /** Merges `otherId` into `keepId`; null when either is not the store's. */
    async merge(storeId: string, keepId: string, otherId: string): Promise<MergeOutcome | null> {
      return db.$transaction(async (tx) => {
        // Locked (in id order, so two merges of the same pair cannot deadlock): a message being
        // stored for either waits, and never lands on a contact about to be deleted.
        await tx.$queryRaw`SELECT id FROM contacts WHERE store_id = ${storeId} AND id IN (${keepId}, ${otherId}) ORDER BY id FOR UPDATE`;
        const keep = await tx.contact.findUnique({ where: { storeId_id: { storeId, id: keepId } }, select: CONTACT_FIELDS });
        const other = await tx.contact.findUnique({ where: { storeId_id: { storeId, id: otherId } }, select: CONTACT_FIELDS });
        if (!keep || !other) return null;

        const at = new Date();
        const closedConversations = await closeClashingThreads(tx, storeId, keepId, otherId, at);
        const moved = { where: { storeId, contactId: otherId }, data: { contactId: keepId } };
        await tx.conversation.updateMany(moved);
        await tx.message.updateMany(moved);
        await tx.appointment.updateMany(moved);
        await tx.aiSnapshot.updateMany(moved);
        await tx.contactIdentity.updateMany(moved);

        // Addresses are unique per store: the other goes before the kept contact takes them.
        await tx.contact.delete({ where: { storeId_id: { storeId, id: otherId } } });
        const contact = await tx.contact.update({ where: { storeId_id: { storeId, id: keepId } }, data: takenFields(keep, other), select: CONTACT_FIELDS });
        const events: NamedEvent[] = [
          ...closedConversations.map((c): NamedEvent => ({ type: 'conversation.closed', event: { storeId, conversationId: c.id, contactId: keepId, channel: c.channel, source: 'api', at } })),
          { type: 'contact.updated', event: { storeId, contactId: keepId, fields: ['merged'], mergedContactId: otherId, source: 'api', at } },
        ];
        await writeEvents(tx, events);
        return { contact, closedConversations, events };
      });
    },
  };
}

export type ContactMergeRepo = ReturnType<typeof createContactMergeRepo>;
