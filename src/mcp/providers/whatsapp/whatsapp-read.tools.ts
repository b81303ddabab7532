// The WhatsApp read tools: the store's chats and their messages, its contacts and its slots, for
// an agent working for the store. Each reads through the domain services the dashboard's routes
// use, on the store of the connection's token (never an argument), so an id of another store is
// NOT_FOUND as on the routes. A refusal is a thrown AppError, whose message the agent reads.
// Where no service answers a read directly (a text search in a chat, a message's neighbours), the
// nearest ones are combined, within bounds that keep a call cheap.
import { z } from 'zod';
import type { ContactsService } from '../../../contacts/index.js';
import type { ConversationsService } from '../../../conversations/index.js';
import { encodeCursor, ZCursor, type TCursor } from '../../../http/pagination.js';
import { AppError, ErrorCode, ZRowId } from '../../../kernel/index.js';
import type { MessagesService } from '../../../messages/index.js';
import { defineTool, type McpTool, type ProviderCall, type ToolHints } from '../../provider.js';
import type { McpServices } from '../../services.js';
import * as S from './whatsapp-read.schemas.js';
import type { TWhatsAppConfig, TWhatsAppSecret } from './whatsapp.schemas.js';

type ConversationPage = Awaited<ReturnType<MessagesService['conversation']>>;
type MessageView = ConversationPage['messages'][number];
type ContactSummary = ConversationPage['conversation']['contact'];
type ContactView = Awaited<ReturnType<ContactsService['list']>>['data'][number];
type Thread = Awaited<ReturnType<ConversationsService['list']>>['data'][number];

const READ: ToolHints = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };
const CHANNEL = 'whatsapp';
/** A text search in chats reads at most this many messages per call, then answers where it got to. */
const SEARCH_BUDGET = 1000;
const SCAN_PAGE = 100;
/** A message's context is looked for among this many of the latest messages of each of its chats. */
const CONTEXT_BUDGET = 2000;
/** list_chats' query reads the chats of this many of the newest contacts it matches. */
const QUERY_CONTACTS = 50;
const SNIPPET = 200;
const JID = /^\d{5,20}@(s\.whatsapp\.net|lid)$/;

const notFound = (message: string) => new AppError(ErrorCode.NOT_FOUND, message);
const invalid = (path: string, message: string) => new AppError(ErrorCode.VALIDATION_FAILED, `${path} ${message}`, [{ path, code: 'custom', message }]);
const time = (iso: string | null) => (iso ? Date.parse(iso) : 0);

/** A cursor a list answered, back as the service takes it. */
function pageCursor(cursor: string | undefined): TCursor | undefined {
  if (cursor === undefined) return undefined;
  const parsed = ZCursor.safeParse(cursor);
  if (!parsed.success) throw invalid('cursor', 'is not a cursor this tool gave out; leave it out to start from the first page');
  return parsed.data;
}

/** list_messages' cursor: the chat it stopped in and its position there (the inbox's cursor), null at the chat's start. */
const ZMessagesCursor = z.tuple([ZRowId, ZCursor.nullable()]);
const encodeMessagesCursor = (conversationId: string, inner: string | null) => Buffer.from(JSON.stringify([conversationId, inner])).toString('base64url');
function decodeMessagesCursor(cursor: string): { conversationId: string; inner: string | null } {
  try {
    const [conversationId, inner] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string | null];
    ZMessagesCursor.parse([conversationId, inner]);
    return { conversationId, inner };
  } catch {
    throw invalid('cursor', 'is not a cursor this tool gave out; leave it out to start from the newest message');
  }
}

const contactRef = (c: ContactSummary): S.TContactRef => ({ id: c.id, name: c.name ?? c.pushName, phone: c.phone, jid: c.jidPn, lid: c.jidLid });

const messageView = (conversationId: string, m: MessageView): S.TMessage => ({
  id: m.id,
  conversationId,
  direction: m.direction as S.TMessage['direction'],
  fromMe: m.direction === 'outbound',
  type: m.type,
  text: m.text,
  status: m.status,
  timestamp: m.sentAt,
  slot: m.slot,
  mimetype: m.media?.mimetype ?? (typeof m.metadata.mimetype === 'string' ? m.metadata.mimetype : null),
  mediaUrl: m.mediaUrl,
});

const snippet = (m: { id: string; direction: string; type: string; text: string | null }): NonNullable<S.TChatListItem['lastMessage']> => ({
  id: m.id,
  direction: m.direction as S.TMessage['direction'],
  type: m.type,
  text: m.text === null ? null : m.text.slice(0, SNIPPET),
});

/** Newest first, as the inbox orders chats: latest message, then id. */
const byLatest = (a: Thread, b: Thread) => time(b.lastMessageAt) - time(a.lastMessageAt) || (a.id < b.id ? 1 : -1);

export function whatsappReadTools(call: ProviderCall<TWhatsAppConfig, TWhatsAppSecret, McpServices>): McpTool[] {
  const { storeId } = call;
  const { messages, conversations, contacts, sessions } = call.services;

  // ─── Finding chats and contacts ────────────────────────────────────────────

  /** The contact of a number in any format (read in the store's country) or a JID (PN or LID). */
  async function contactIdByAddress(address: string): Promise<string> {
    if (address.includes('@') && !JID.test(address)) {
      throw invalid('phone', 'must be a phone number or a contact JID (digits@s.whatsapp.net or digits@lid); groups have no chat here');
    }
    const found = await contacts.findByAddress(storeId, address);
    if (!found) throw notFound(`No contact of this store has the WhatsApp address or number ${address}`);
    return found.id;
  }

  /** The contact's WhatsApp chats, the latest message first (a contact id of another store has none). */
  async function threadsOf(contactId: string): Promise<Thread[]> {
    return (await conversations.list(storeId, { contactId, channel: CHANNEL, limit: 100 })).data.sort(byLatest);
  }

  /** The contact's current chat: the open one, else the one with the latest message. */
  async function currentChatOf(contactId: string): Promise<string> {
    const threads = await threadsOf(contactId);
    const chat = threads.find((t) => t.status === 'open') ?? threads[0];
    if (!chat) throw notFound('The contact has no WhatsApp chat yet');
    return chat.id;
  }

  /** A page of one chat's messages, newest first; a conversation on another channel is none of these tools'. */
  async function chatPage(conversationId: string, limit: number, cursor?: TCursor): Promise<ConversationPage> {
    const page = await messages.conversation(storeId, conversationId, limit, cursor);
    if (page.conversation.channel !== CHANNEL) throw notFound(`Conversation not found among the WhatsApp chats (it is on ${page.conversation.channel})`);
    return page;
  }

  async function chatView(conversationId: string, limit: number): Promise<S.TChatView> {
    const { conversation: c, messages: latest, nextCursor } = await chatPage(conversationId, limit);
    return {
      chat: { id: c.id, status: c.status as S.TChatListItem['status'], slot: c.slot, unread: c.unread, startedAt: c.startedAt, lastMessageAt: c.lastMessageAt },
      contact: contactRef(c.contact),
      messages: latest.map((m) => messageView(c.id, m)),
      nextCursor: nextCursor && encodeMessagesCursor(c.id, nextCursor),
    };
  }

  async function chatItem(conversationId: string): Promise<S.TChatListItem> {
    const { conversation: c, messages: latest } = await chatPage(conversationId, 1);
    const status = c.status as S.TChatListItem['status'];
    return { id: c.id, status, slot: c.slot, unread: c.unread, lastMessageAt: c.lastMessageAt, contact: contactRef(c.contact), lastMessage: latest[0] ? snippet(latest[0]) : null };
  }

  async function contactView(c: ContactView): Promise<S.TContact> {
    const recent = await conversations.list(storeId, { contactId: c.id, limit: 5 });
    const last = recent.data.map((t) => t.lastMessageAt).reduce<string | null>((a, b) => (time(b) > time(a) ? b : a), null);
    return { id: c.id, name: c.name, pushName: c.pushName, phone: c.phone, jid: c.jidPn, lid: c.jidLid, email: c.email, notes: c.notes, tags: c.tags, optOut: c.optOut, createdAt: c.createdAt, updatedAt: c.updatedAt, lastMessageAt: last };
  }

  // ─── list_chats ────────────────────────────────────────────────────────────

  async function listChats(args: z.infer<typeof S.ZListChatsInput>): Promise<z.infer<typeof S.ZListChatsOutput>> {
    const cursor = pageCursor(args.cursor);
    const status = args.status === 'all' ? undefined : args.status;
    if (args.query) return chatsOfContacts(args.query, status, args, cursor);
    if (status === 'open') {
      const inbox = await messages.inbox(storeId, { limit: args.limit, cursor, channel: CHANNEL, slot: args.slot });
      const chats = inbox.data.map((i) => ({ id: i.conversationId, status: 'open' as const, slot: i.slot, unread: i.unread, lastMessageAt: i.lastMessageAt, contact: contactRef(i.contact), lastMessage: i.lastMessage && snippet(i.lastMessage) }));
      return { chats, nextCursor: inbox.nextCursor };
    }
    const listed = await conversations.list(storeId, { limit: args.limit, cursor, channel: CHANNEL, status });
    const kept = listed.data.filter((t) => args.slot === undefined || t.slot === args.slot);
    return { chats: await Promise.all(kept.map((t) => chatItem(t.id))), nextCursor: listed.nextCursor };
  }

  /** The chats of the contacts a query finds, latest message first, paged here on (lastMessageAt, id) as the inbox pages. */
  async function chatsOfContacts(query: string, status: 'open' | 'closed' | undefined, args: { slot?: number; limit: number }, cursor: TCursor | undefined) {
    const found = await contacts.list(storeId, { search: query, limit: QUERY_CONTACTS });
    const lists = await Promise.all(found.data.map((c) => conversations.list(storeId, { contactId: c.id, channel: CHANNEL, status, limit: 100 })));
    const after = (t: Thread) => !cursor || time(t.lastMessageAt) < cursor.at.getTime() || (time(t.lastMessageAt) === cursor.at.getTime() && t.id < cursor.id);
    const threads = lists.flatMap((l) => l.data).filter((t) => (args.slot === undefined || t.slot === args.slot) && after(t)).sort(byLatest);
    const page = threads.slice(0, args.limit);
    const last = page[page.length - 1];
    const nextCursor = threads.length > args.limit && last ? encodeCursor(new Date(time(last.lastMessageAt)), null, last.id) : null;
    return { chats: await Promise.all(page.map((t) => chatItem(t.id))), nextCursor };
  }

  // ─── list_messages ─────────────────────────────────────────────────────────

  async function listMessages(args: z.infer<typeof S.ZListMessagesInput>): Promise<z.infer<typeof S.ZListMessagesOutput>> {
    const after = args.after ? Date.parse(args.after) : -Infinity;
    let threads: string[];
    if (args.conversationId) threads = [args.conversationId];
    else {
      const contactId = args.contactId ?? (await contactIdByAddress(args.phone!));
      if (args.contactId) await contacts.get(storeId, contactId);
      threads = (await threadsOf(contactId)).filter((t) => time(t.lastMessageAt) > after).map((t) => t.id);
    }
    // Strictly before `before`: a position after every message of that second and none of the next.
    const start: TCursor | undefined = args.before ? { at: new Date(args.before), then: new Date(0), id: '0' } : undefined;
    const resumed = args.cursor ? decodeMessagesCursor(args.cursor) : null;
    let index = resumed ? threads.indexOf(resumed.conversationId) : 0;
    if (index < 0) throw invalid('cursor', 'belongs to another chat; leave it out to start from the newest message');
    let inner = resumed?.inner ?? null;
    const here = () => (index < threads.length ? encodeMessagesCursor(threads[index]!, inner) : null);
    const query = args.query?.toLocaleLowerCase();
    const out: S.TMessage[] = [];
    for (let scanned = 0; index < threads.length && scanned < SEARCH_BUDGET; ) {
      const id = threads[index]!;
      const need = args.limit - out.length;
      const from = inner ? ZCursor.parse(inner) : start;
      const page = await chatPage(id, query ? SCAN_PAGE : need, from);
      scanned += page.messages.length;
      const end = page.messages.findIndex((m) => Date.parse(m.sentAt) <= after);
      const inRange = end < 0 ? page.messages : page.messages.slice(0, end);
      const hits = inRange.flatMap((m, i) => (!query || (m.text ?? '').toLocaleLowerCase().includes(query) ? [i] : []));
      out.push(...hits.slice(0, need).map((i) => messageView(id, page.messages[i]!)));
      if (hits.length >= need) {
        // Resume right after the last one taken: the page's own cursor, or a page cut there.
        const lastTaken = hits[need - 1]!;
        inner = lastTaken === page.messages.length - 1 ? page.nextCursor : (await chatPage(id, lastTaken + 1, from)).nextCursor;
        if (!inner) index += 1;
        return { messages: out, nextCursor: here() };
      }
      if (end < 0 && page.nextCursor) inner = page.nextCursor;
      else [index, inner] = [index + 1, null];
    }
    return { messages: out, nextCursor: here() };
  }

  // ─── get_message_context ───────────────────────────────────────────────────

  /** The message and its neighbours, reading its chat from the latest message down to it; null when not there. */
  async function contextIn(conversationId: string, messageId: string, around: number): Promise<z.infer<typeof S.ZMessageContextOutput> | null> {
    const newer: MessageView[] = [];
    let cursor: TCursor | undefined;
    for (let scanned = 0; scanned < CONTEXT_BUDGET; ) {
      const page = await chatPage(conversationId, SCAN_PAGE, cursor);
      scanned += page.messages.length;
      const at = page.messages.findIndex((m) => m.id === messageId);
      if (at < 0) {
        newer.push(...page.messages);
        newer.splice(0, Math.max(0, newer.length - around));
        if (!page.nextCursor) return null;
        cursor = ZCursor.parse(page.nextCursor);
        continue;
      }
      newer.push(...page.messages.slice(0, at));
      let older = page.messages.slice(at + 1, at + 1 + around);
      if (older.length < around && page.nextCursor) older = [...older, ...(await chatPage(conversationId, around - older.length, ZCursor.parse(page.nextCursor))).messages];
      const view = (m: MessageView) => messageView(conversationId, m);
      return {
        message: view(page.messages[at]!),
        before: older.reverse().map(view),
        after: newer.slice(newer.length - around).reverse().map(view),
        contact: contactRef(page.conversation.contact),
      };
    }
    return null;
  }

  async function messageContext(args: z.infer<typeof S.ZMessageContextInput>): Promise<z.infer<typeof S.ZMessageContextOutput>> {
    const { messageId, around } = args;
    const conversationId = args.conversationId ?? (await messages.locate(storeId, messageId))?.conversationId;
    if (!conversationId) throw notFound('Message not found');
    const found = await contextIn(conversationId, messageId, around);
    if (!found) throw notFound(`Message not found among that chat's latest ${CONTEXT_BUDGET} messages`);
    return found;
  }

  // ─── The tools ─────────────────────────────────────────────────────────────

  return [
    defineTool({
      name: 'list_chats',
      title: 'List WhatsApp chats',
      description:
        "The store's WhatsApp chats, newest first: each with its contact (id, name, phone), its last message's snippet and time, its unread count and status. Open chats by default (latest message first); status closed or all lists by when the chat started. Filter by slot (the store's WhatsApp number) or by a query on the contact's name or phone. Use a chat's id with get_chat or list_messages.",
      input: S.ZListChatsInput,
      output: S.ZListChatsOutput,
      hints: READ,
      run: listChats,
    }),
    defineTool({
      name: 'list_messages',
      title: 'List messages of a chat',
      description:
        "Messages of one WhatsApp chat (conversationId), or of every chat with a contact (contactId, or phone: a number in any format or a JID), newest first. Narrow by time (after/before, ISO 8601) or by text (query); page with cursor. A text search reads up to 1000 messages a call: when it answers fewer than limit with a nextCursor, call again with it to search further back.",
      input: S.ZListMessagesInput,
      output: S.ZListMessagesOutput,
      hints: READ,
      run: listMessages,
    }),
    defineTool({
      name: 'get_chat',
      title: 'Get a WhatsApp chat',
      description:
        "One WhatsApp chat by conversationId, or the current chat with a phone number or JID: the chat (status, unread, slot, times), its contact and its last messages (limit, newest first). Older messages: list_messages with the answered nextCursor.",
      input: S.ZGetChatInput,
      output: S.ZChatView,
      hints: READ,
      run: async (args) => chatView(args.conversationId ?? (await currentChatOf(await contactIdByAddress(args.phone!))), args.limit),
    }),
    defineTool({
      name: 'get_direct_chat_by_contact',
      title: "Get a contact's WhatsApp chat",
      description:
        "The current WhatsApp chat with a contact (contactId, or phone: a number in any format or a JID): its open chat, else the latest one, with the contact and the last messages, as get_chat answers. NOT_FOUND when they never exchanged a message.",
      input: S.ZDirectChatInput,
      output: S.ZChatView,
      hints: READ,
      run: async (args) => {
        const contactId = args.contactId ?? (await contactIdByAddress(args.phone!));
        if (args.contactId) await contacts.get(storeId, contactId);
        return chatView(await currentChatOf(contactId), args.limit);
      },
    }),
    defineTool({
      name: 'get_message_context',
      title: 'Get a message with its context',
      description:
        "A message by id with the messages just before and after it in its chat (around, default 5 each side, oldest first), and the chat's contact. Pass its conversationId too when known (list_messages answers it): the look-up is faster.",
      input: S.ZMessageContextInput,
      output: S.ZMessageContextOutput,
      hints: READ,
      run: messageContext,
    }),
    defineTool({
      name: 'get_last_interaction',
      title: 'Get the last message with a contact',
      description:
        'The latest WhatsApp message exchanged with a contact (contactId, or phone: a number in any format or a JID), whichever way it went; message is null when there was none. Tells when the contact last wrote or was written to, and what was said.',
      input: S.ZContactChoiceInput,
      output: S.ZLastInteractionOutput,
      hints: READ,
      run: async (args) => {
        const contact = await contacts.get(storeId, args.contactId ?? (await contactIdByAddress(args.phone!)));
        const latest = (await threadsOf(contact.id))[0];
        const last = latest ? (await chatPage(latest.id, 1)).messages[0] : undefined;
        return { contact: contactRef(contact), message: latest && last ? messageView(latest.id, last) : null };
      },
    }),
    defineTool({
      name: 'search_contacts',
      title: 'Search contacts',
      description:
        "The store's contacts whose name, WhatsApp push name or email contains the query (case and accents ignored), or whose phone number contains it (any format): id, name, phone, JIDs, tags, opt-out and when they last exchanged a message. Newest contacts first; page with cursor.",
      input: S.ZSearchContactsInput,
      output: S.ZSearchContactsOutput,
      hints: READ,
      run: async (args) => {
        const found = await contacts.list(storeId, { search: args.query, limit: args.limit, cursor: pageCursor(args.cursor) });
        return { contacts: await Promise.all(found.data.map(contactView)), nextCursor: found.nextCursor };
      },
    }),
    defineTool({
      name: 'get_contact',
      title: 'Get a contact',
      description: "One contact of the store by id, or by phone number (any format) or JID: name, push name, phone, JIDs, email, notes, tags, opt-out, dates, last message time and its handles on other channels.",
      input: S.ZGetContactInput,
      output: S.ZGetContactOutput,
      hints: READ,
      run: async (args) => {
        const detail = await contacts.get(storeId, args.id ?? (await contactIdByAddress(args.phone!)));
        return { contact: { ...(await contactView(detail)), identities: detail.identities.map((i) => ({ channel: i.channel, handle: i.handle })) } };
      },
    }),
    defineTool({
      name: 'session_status',
      title: "Status of the store's WhatsApp numbers",
      description:
        "Every slot of the store (its WhatsApp numbers): status (connected, qrcode waiting to be linked, disconnected…), the linked phone number and JID, the last error and when the status last changed. Sends need a connected slot.",
      input: S.ZSessionStatusInput,
      output: S.ZSessionStatusOutput,
      hints: { ...READ, openWorldHint: true },
      run: async () => ({
        slots: (await sessions.list(storeId)).map((s) => ({ slot: s.slot, status: s.status, isActive: s.isActive, phone: s.phone ?? null, jid: s.jid ?? null, lastError: s.lastError ?? null, updatedAt: s.updatedAt })),
      }),
    }),
  ];
}
