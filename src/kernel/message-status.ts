// The statuses a message moves through; messages.status and message_status_events.status are
// CHECKed against this list (test/support/check-constraints.ts reads it from here).
export const MESSAGE_STATUSES = ['received', 'queued', 'sending', 'sent', 'delivered', 'read', 'played', 'failed'] as const;
export type TMessageStatus = (typeof MESSAGE_STATUSES)[number];

/** How far along a sent message is: a later receipt never moves it back (read stays read). */
export const OUTBOUND_PROGRESS: Record<TMessageStatus, number> = {
  received: 0,
  queued: 1,
  sending: 2,
  sent: 3,
  delivered: 4,
  read: 5,
  played: 6,
  failed: 7,
};
