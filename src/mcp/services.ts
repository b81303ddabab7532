// What the daemon lends its MCP providers: the domain services their tools act through (the same
// ones the HTTP routes use, so a tool obeys every rule a route does: the send governor, the
// store's limits, the audit), and the egress settings for sites a connection names.
import type { Booking } from '../booking/index.js';
import type { ContactsService } from '../contacts/index.js';
import type { ConversationsService } from '../conversations/index.js';
import type { MessagesService } from '../messages/index.js';
import type { OutboundService } from '../outbound/index.js';
import type { SummaryService } from '../summary/index.js';
import type { SessionsService } from '../whatsapp/sessions/index.js';

export interface McpServices {
  outbound: OutboundService;
  messages: MessagesService;
  conversations: ConversationsService;
  contacts: ContactsService;
  sessions: SessionsService;
  booking: Booking;
  summary: SummaryService;
  /** Requests to a site a connection names (WordPress): private and loopback targets only when allowed. */
  egress: { allowPrivateUrls: boolean; timeoutMs: number };
}
