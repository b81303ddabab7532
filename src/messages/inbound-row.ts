// An inbound message as storage takes it, and what storing it answered.
import type { Prisma } from '../db/prisma.js';
import type { MadeEvent } from './records-made.js';

export interface InboundRow {
  storeId: string;
  slot: number;
  waMessageId: string;
  remoteJid: string;
  /** The person's two addresses, as far as WhatsApp told us. */
  jidPn: string | null;
  jidLid: string | null;
  pushName: string | null;
  type: string;
  text: string | null;
  metadata: Prisma.InputJsonObject;
  payload: Uint8Array;
  sentAt: Date;
  /** Group messages get a contact (the member) but no conversation thread. */
  isGroup: boolean;
}

export interface StoredInbound {
  /** False when the message was already stored (a redelivery). */
  stored: boolean;
  messageId: string;
  contactId: string;
  conversationId: string | null;
  /** What storing it made: a new lead, a thread opened or reopened (absent: nothing new). */
  made?: { contact: boolean; conversation: boolean };
  /** The events of what it made, as written to the outbox with it (for the bus, after the commit). */
  madeEvents?: MadeEvent[];
  /** Webhook deliveries written with the message (its own event and what it made). */
  outboxRows?: number;
}
