// What a turn reads to build its prompt: the conversation's recent messages, the contact, the
// store's facts (name, settings, services with prices), the contact's latest AI snapshot, and the
// tool calls of the conversation's earlier turns. All scoped by the store.
import type { Db } from '../db/prisma.js';
import type { RecordedToolCall } from './bot-tool.js';

export interface WindowMessage {
  id: string;
  direction: 'inbound' | 'outbound';
  type: string;
  text: string | null;
  metadata: Record<string, unknown>;
  sentAt: Date;
  createdAt: Date;
  remoteJid: string;
}

export interface StoreFacts {
  name: string;
  timezone: string | null;
  workingHours: unknown;
  contactPhone: string | null;
  contactEmail: string | null;
  services: Array<{ id: string; name: string; description: string | null; priceCents: number | null; currency: string; durationMinutes: number | null }>;
}

export interface SnapshotFacts {
  id: string;
  summary: string;
  flags: Record<string, unknown>;
  createdAt: Date;
}

export function createBotContextRepo(db: Db) {
  return {
    /** The newest `limit` messages of the conversation sent since `since` and stored by `upTo`, oldest first. */
    async window(storeId: string, conversationId: string, upTo: Date, since: Date, limit: number): Promise<WindowMessage[]> {
      const rows = await db.message.findMany({
        where: { storeId, conversationId, createdAt: { lte: upTo }, sentAt: { gte: since } },
        orderBy: [{ sentAt: 'desc' }, { createdAt: 'desc' }, { id: 'desc' }],
        take: limit,
        select: { id: true, direction: true, type: true, text: true, metadata: true, sentAt: true, createdAt: true, remoteJid: true },
      });
      return rows.reverse().map((m) => ({ ...m, direction: m.direction as WindowMessage['direction'], metadata: (m.metadata ?? {}) as Record<string, unknown> }));
    },

    /** When the conversation's previous answered burst ended (its turn's trigger), if any. */
    async previousTriggerAt(storeId: string, conversationId: string, turnId: string): Promise<Date | null> {
      const t = await db.botTurn.findFirst({
        where: { storeId, conversationId, id: { not: turnId }, state: { in: ['replied', 'skipped', 'failed', 'replying', 'running'] } },
        orderBy: { triggerAt: 'desc' },
        select: { triggerAt: true },
      });
      return t?.triggerAt ?? null;
    },

    /** A voice note's downloaded bytes (the media worker fetches them after the message is stored). */
    async audioOf(storeId: string, messageId: string) {
      const m = await db.messageMedia.findFirst({ where: { storeId, messageId }, select: { status: true, data: true, mimetype: true } });
      if (!m) return { state: 'unavailable' as const };
      if (m.status === 'pending' || m.status === 'downloading') return { state: 'pending' as const };
      if (m.status !== 'stored' || !m.data) return { state: 'unavailable' as const };
      return { state: 'stored' as const, bytes: Buffer.from(m.data), mimetype: m.mimetype };
    },

    /** Kept on the message (metadata.transcript), so no later turn transcribes it again. */
    async saveTranscript(storeId: string, messageId: string, transcript: string): Promise<void> {
      await db.$executeRaw`UPDATE messages SET metadata = metadata || jsonb_build_object('transcript', ${transcript}::text), updated_at = now() WHERE store_id = ${storeId} AND id = ${messageId}`;
    },

    /** The address a customer's message came from: the reply goes back to it. */
    async messageJid(storeId: string, messageId: string): Promise<string | null> {
      const m = await db.message.findFirst({ where: { storeId, id: messageId }, select: { remoteJid: true } });
      return m?.remoteJid ?? null;
    },

    contact(storeId: string, contactId: string) {
      return db.contact.findFirst({ where: { storeId, id: contactId }, select: { id: true, name: true, optOut: true, jidPn: true, jidLid: true } });
    },

    async storeFacts(storeId: string): Promise<StoreFacts> {
      const [store, settings, services] = await Promise.all([
        db.store.findUniqueOrThrow({ where: { id: storeId }, select: { name: true } }),
        db.storeSettings.findUnique({ where: { storeId }, select: { timezone: true, workingHours: true, contactPhone: true, contactEmail: true } }),
        db.service.findMany({
          where: { storeId, active: true },
          orderBy: [{ name: 'asc' }, { id: 'asc' }],
          take: 100,
          select: { id: true, name: true, description: true, priceCents: true, currency: true, durationMinutes: true },
        }),
      ]);
      return {
        name: store.name,
        timezone: settings?.timezone ?? null,
        workingHours: settings?.workingHours ?? {},
        contactPhone: settings?.contactPhone ?? null,
        contactEmail: settings?.contactEmail ?? null,
        services,
      };
    },

    async latestSnapshot(storeId: string, contactId: string): Promise<SnapshotFacts | null> {
      const s = await db.aiSnapshot.findFirst({
        where: { storeId, contactId },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        select: { id: true, summary: true, flags: true, createdAt: true },
      });
      return s && { ...s, flags: (s.flags ?? {}) as Record<string, unknown> };
    },

    /** The tool calls of the conversation's last finished turns, oldest first. */
    async earlierToolCalls(storeId: string, conversationId: string, turnId: string): Promise<RecordedToolCall[]> {
      const turns = await db.botTurn.findMany({
        where: { storeId, conversationId, id: { not: turnId }, state: 'replied' },
        orderBy: { triggerAt: 'desc' },
        take: 10,
        select: { toolCalls: true },
      });
      return turns.reverse().flatMap((t) => (Array.isArray(t.toolCalls) ? (t.toolCalls as unknown as RecordedToolCall[]) : []));
    },
  };
}

export type BotContextRepo = ReturnType<typeof createBotContextRepo>;
