// A contact's profile page in one read: its latest AI snapshot, its last messages, its recent
// conversations and its upcoming appointments, all scoped by the store.
import type { Db, Prisma } from '../db/prisma.js';
import { mediaPath } from '../messages/index.js';
import type { TContactProfile } from './contacts.schemas.js';

const LIMIT = 10;

type TMessage = TContactProfile['messages'][number];
type MediaRow = { status: string; mimetype: string | null; size: bigint | null; sha256: string | null } | null;

const mediaView = (m: MediaRow): TMessage['media'] =>
  m ? { status: m.status as NonNullable<TMessage['media']>['status'], mimetype: m.mimetype, size: m.size === null ? null : Number(m.size), sha256: m.sha256 } : null;

/** Newest first, as the inbox orders a thread: WhatsApp's whole-second time, then arrival, then id. */
const MESSAGE_ORDER = [{ sentAt: 'desc' }, { createdAt: 'desc' }, { id: 'desc' }] as const satisfies Prisma.MessageOrderByWithRelationInput[];

export type ProfileParts = Omit<TContactProfile, 'contact'>;

export function createContactProfileRepo(db: Db) {
  return {
    async parts(storeId: string, contactId: string, now: Date): Promise<ProfileParts> {
      const mine = { storeId, contactId };
      const [snapshot, messages, conversations, appointments] = await Promise.all([
        db.aiSnapshot.findFirst({ where: mine, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
        db.message.findMany({
          where: mine,
          orderBy: MESSAGE_ORDER,
          take: LIMIT,
          select: {
            id: true, conversationId: true, channel: true, slot: true, direction: true, type: true, text: true, status: true, metadata: true, sentAt: true,
            media: { select: { status: true, mimetype: true, size: true, sha256: true } },
          },
        }),
        db.conversation.findMany({
          where: mine,
          orderBy: [{ lastMessageAt: { sort: 'desc', nulls: 'last' } }, { startedAt: 'desc' }, { id: 'desc' }],
          take: LIMIT,
        }),
        db.appointment.findMany({
          where: { ...mine, startsAt: { gte: now }, status: { not: 'cancelled' } },
          orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
          take: LIMIT,
          include: { service: { select: { id: true, name: true } } },
        }),
      ]);
      return {
        snapshot: snapshot && {
          id: snapshot.id,
          conversationId: snapshot.conversationId,
          summary: snapshot.summary,
          flags: (snapshot.flags ?? {}) as Record<string, unknown>,
          model: snapshot.model,
          reason: snapshot.reason,
          createdAt: snapshot.createdAt.toISOString(),
        },
        messages: messages.map(({ media, ...m }) => ({
          ...m,
          metadata: (m.metadata ?? {}) as Record<string, unknown>,
          sentAt: m.sentAt.toISOString(),
          media: mediaView(media),
          mediaUrl: media?.status === 'stored' ? mediaPath(storeId, m.id) : null,
        })),
        conversations: conversations.map((c) => ({
          id: c.id,
          channel: c.channel,
          status: c.status,
          slot: c.slot,
          unread: c.unreadCount,
          startedAt: c.startedAt.toISOString(),
          lastMessageAt: c.lastMessageAt?.toISOString() ?? null,
        })),
        appointments: appointments.map((a) => ({
          id: a.id,
          service: a.service,
          startsAt: a.startsAt.toISOString(),
          endsAt: a.endsAt.toISOString(),
          status: a.status,
          notes: a.notes,
        })),
      };
    },
  };
}

export type ContactProfileRepo = ReturnType<typeof createContactProfileRepo>;
