// The reads a send needs: the store's settings, its slots, where a contact last wrote, what a
// reply quotes, the governor's counts and holds, and a sent message with its history.
import type { Db } from '../db/prisma.js';
import type { TSentMessage } from './outbound.schemas.js';

export interface SlotInfo {
  slot: number;
  status: string;
  desired: string;
  linkedAt: Date | null;
}

export function createSendLookupsRepo(db: Db) {
  return {
    async settings(storeId: string): Promise<{ defaultCountry: string; timezone: string; sendPolicy: unknown }> {
      const row = await db.storeSettings.findUnique({ where: { storeId }, select: { defaultCountry: true, timezone: true, sendPolicy: true } });
      return row ?? { defaultCountry: 'BR', timezone: 'America/Sao_Paulo', sendPolicy: {} };
    },

    async saveSendSettings(storeId: string, data: { sendPolicy?: object; defaultCountry?: string }): Promise<void> {
      await db.storeSettings.upsert({ where: { storeId }, create: { storeId, ...data }, update: data });
    },

    slots(storeId: string): Promise<SlotInfo[]> {
      return db.sessionSlot.findMany({ where: { storeId }, orderBy: { slot: 'asc' }, select: { slot: true, status: true, desired: true, linkedAt: true } });
    },

    async slot(storeId: string, slot: number): Promise<SlotInfo | null> {
      return db.sessionSlot.findUnique({ where: { storeId_slot: { storeId, slot } }, select: { slot: true, status: true, desired: true, linkedAt: true } });
    },

    /** The slot this person last wrote to (by any of their JIDs), if they ever did. */
    async lastInboundSlot(storeId: string, jids: string[]): Promise<number | null> {
      const contact = await db.contact.findFirst({ where: { storeId, OR: [{ jidPn: { in: jids } }, { jidLid: { in: jids } }] }, select: { id: true } });
      const where = contact ? { storeId, contactId: contact.id } : { storeId, remoteJid: { in: jids } };
      const last = await db.message.findFirst({ where: { ...where, direction: 'inbound' }, orderBy: { sentAt: 'desc' }, select: { slot: true } });
      return last?.slot ?? null;
    },

    /** Whether this chat exists on the slot: the person wrote to it before (WhatsApp's test for "new chat"). */
    async isExistingChat(storeId: string, slot: number, jid: string): Promise<boolean> {
      const contact = await db.contact.findFirst({ where: { storeId, OR: [{ jidPn: jid }, { jidLid: jid }] }, select: { id: true } });
      const where = contact ? { contactId: contact.id } : { remoteJid: jid };
      return Boolean(await db.message.findFirst({ where: { storeId, slot, direction: 'inbound', ...where }, select: { id: true } }));
    },

    /** A message of the store, for a reply to quote or a reaction to target. */
    message(storeId: string, id: string) {
      return db.message.findUnique({ where: { storeId_id: { storeId, id } }, select: { id: true, slot: true, remoteJid: true, waMessageId: true, direction: true, payload: true, type: true, text: true } });
    },

    /** A message of the slot by its WhatsApp id (its direction when known), as other APIs' message keys name it. */
    async idByWaMessageId(storeId: string, slot: number, waMessageId: string, direction?: 'inbound' | 'outbound'): Promise<string | null> {
      const row = await db.message.findFirst({ where: { storeId, slot, waMessageId, ...(direction ? { direction } : {}) }, orderBy: { createdAt: 'desc' }, select: { id: true } });
      return row?.id ?? null;
    },

    /** Sends to this chat since `since` that went or will go out (the per-contact cap). */
    sendsTo(storeId: string, jid: string, since: Date): Promise<number> {
      return db.message.count({ where: { storeId, remoteJid: jid, direction: 'outbound', createdAt: { gte: since }, status: { not: 'failed' } } });
    },

    /** Sends of the slot since `since` (the warm-up's daily allowance). */
    slotSends(storeId: string, slot: number, since: Date): Promise<number> {
      return db.message.count({ where: { storeId, slot, direction: 'outbound', sentAt: { gte: since }, status: { in: ['sent', 'delivered', 'read', 'played'] } } });
    },

    async activeHold(storeId: string, slot: number, reason: string): Promise<Date | null> {
      const hold = await db.sendHold.findUnique({ where: { storeId_slot_reason: { storeId, slot, reason } } });
      return hold && hold.until > new Date() ? hold.until : null;
    },

    async setHold(storeId: string, slot: number, reason: string, until: Date): Promise<void> {
      await db.sendHold.upsert({ where: { storeId_slot_reason: { storeId, slot, reason } }, create: { storeId, slot, reason, until }, update: { until } });
    },

    async sentMessage(storeId: string, id: string): Promise<TSentMessage | null> {
      // A WhatsApp message: another channel's messages are the conversations' (their slot is null).
      const m = await db.message.findFirst({
        where: { storeId, id, channel: 'whatsapp' },
        include: { statusEvents: { orderBy: [{ at: 'asc' }, { id: 'asc' }] }, outboundJob: { select: { heldBy: true, lastError: true } } },
      });
      if (!m) return null;
      const failure = m.statusEvents.findLast((e) => e.status === 'failed');
      return {
        id: m.id,
        slot: m.slot!, // CHECK messages_channel_slot_check: every WhatsApp message has one
        to: m.remoteJid,
        direction: m.direction,
        type: m.type,
        text: m.text,
        status: m.status,
        reason: m.status === 'queued' ? (m.outboundJob?.heldBy ?? null) : m.status === 'failed' ? (failure?.errorCode ?? m.outboundJob?.lastError ?? null) : null,
        waMessageId: m.waMessageId,
        createdAt: m.createdAt.toISOString(),
        history: m.statusEvents.map((e) => ({ status: e.status, at: e.at.toISOString(), reason: e.errorCode })),
      };
    },
  };
}

export type SendLookupsRepo = ReturnType<typeof createSendLookupsRepo>;
