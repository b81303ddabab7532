// The contract of Evolution's chat routes Drin answers (whatsappNumbers, markMessageAsRead,
// findMessages, findChats), in Evolution's field names. As with the other Evolution bodies, fields
// Drin does not read are ignored (n8n's findChats sends where.id, page and offset; Evolution reads
// none of them): what Drin reads is validated.
import { z } from 'zod';

/** Evolution's page sizes are unbounded; Drin answers at most this many rows at once. */
export const PAGE_MAX = 200;

/** A chat as a client names it: a JID, or a phone number's digits (a JID of …@s.whatsapp.net). */
const ZChat = z.string().trim().max(128).optional().describe('a JID, or a phone number with country code; empty: any');

export const ZWhatsAppNumbers = z.object({
  numbers: z.array(z.string().trim().min(3).max(40)).min(1).max(50).describe('phone numbers with country code, in any common format'),
});
export type TWhatsAppNumbers = z.infer<typeof ZWhatsAppNumbers>;

export const ZOnWhatsApp = z.array(
  z.object({
    exists: z.boolean(),
    jid: z.string().describe('the JID to send to (the one asked about when it does not exist)'),
    number: z.string().describe('as asked'),
    name: z.string().optional().describe('the contact\'s WhatsApp name, when the store knows them'),
  }),
);

/** Drin's read receipts go to a contact's chat: WhatsApp's phone-number or LID JIDs. */
const CONTACT_JID = /^[0-9]{1,32}@(s\.whatsapp\.net|lid)$/;

export const ZReadMessages = z.object({
  readMessages: z
    .array(
      z.object({
        remoteJid: z.string().regex(CONTACT_JID, 'a contact\'s chat (…@s.whatsapp.net or …@lid): Drin sends no read receipts in groups'),
        fromMe: z.boolean().describe('true: one of the instance\'s own messages, which there is nothing to read of'),
        id: z.string().min(1).max(128),
      }),
    )
    .min(1)
    .max(100),
});
export type TReadMessages = z.infer<typeof ZReadMessages>;

export const ZReadDone = z.object({ message: z.literal('Read messages'), read: z.literal('success') });

const ZPageSize = (fallback: number) =>
  z.number().int().min(1).default(fallback).transform((n) => Math.min(n, PAGE_MAX)).describe(`rows per page (at most ${PAGE_MAX})`);

export const ZFindMessages = z.object({
  where: z
    .object({
      id: z.string().max(64).optional().describe('a record\'s id (Drin\'s message id)'),
      key: z
        .object({
          remoteJid: ZChat,
          id: z.string().max(128).optional().describe('the WhatsApp message id'),
          fromMe: z.boolean().optional().describe('true: the instance\'s own messages; false: the ones it received'),
        })
        .optional(),
    })
    .optional(),
  page: z.number().int().min(1).max(1_000_000).default(1),
  offset: ZPageSize(50),
});
export type TFindMessages = z.infer<typeof ZFindMessages>;

export const ZFindChats = z.object({
  where: z.object({ remoteJid: ZChat }).optional(),
  take: ZPageSize(PAGE_MAX).describe(`the newest chats to answer (at most ${PAGE_MAX})`),
  skip: z.number().int().min(0).max(1_000_000).default(0),
});
export type TFindChats = z.infer<typeof ZFindChats>;

const ZRecord = z.object({
  id: z.string().describe('Drin\'s message id'),
  key: z.object({ remoteJid: z.string(), fromMe: z.boolean(), id: z.string(), participant: z.string().optional() }),
  pushName: z.string().nullable(),
  messageType: z.string(),
  message: z.record(z.string(), z.unknown()),
  messageTimestamp: z.number().int(),
  instanceId: z.string(),
  source: z.string(),
});
export type TRecord = z.infer<typeof ZRecord>;

/** Evolution's message statuses. */
export const ZEvolutionStatus = z.enum(['PENDING', 'SERVER_ACK', 'DELIVERY_ACK', 'READ', 'PLAYED', 'ERROR']);
export type TEvolutionStatus = z.infer<typeof ZEvolutionStatus>;

export const ZFoundMessages = z.object({
  messages: z.object({
    total: z.number().int(),
    pages: z.number().int(),
    currentPage: z.number().int(),
    records: z.array(ZRecord.extend({ MessageUpdate: z.array(z.object({ status: ZEvolutionStatus })).describe('the receipts, oldest first') })).describe('newest first'),
  }),
});

export const ZChats = z
  .array(
    z.object({
      id: z.string().describe('the contact\'s id'),
      remoteJid: z.string(),
      pushName: z.string().nullable(),
      profilePicUrl: z.null(),
      updatedAt: z.string().nullable().describe('the last message\'s time'),
      unreadCount: z.number().int(),
      isSaved: z.literal(true).describe('every chat Drin has is a contact of the store'),
      lastMessage: ZRecord.extend({ status: ZEvolutionStatus }).optional(),
    }),
  )
  .describe('newest first');
