// The WhatsApp provider's read tools over the running daemon and the WhatsApp simulator: two
// contacts write to a linked slot, the store answers one through the send API, and every tool
// answers what the store's rows say, in the shape its output schema promises. Phone numbers are
// taken in any format or as JIDs; another store's ids and numbers are NOT_FOUND.
import { describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { ZodError } from 'zod';
import { AppError } from '../../src/kernel/index.js';
import type { McpTool } from '../../src/mcp/provider.js';
import { whatsappReadTools } from '../../src/mcp/providers/whatsapp/whatsapp-read.tools.js';
import type { McpServices } from '../../src/mcp/services.js';
import { caught } from '../support/caught.js';
import { useDaemonSuite, waitForEvent } from '../support/daemon-harness.js';
import { linkSlot } from '../support/link-slot.js';
import type { FakeContact } from '../wa-sim/index.js';
import { runTool } from './run-tool.js';

const ctx = useDaemonSuite();

/** The store's tools, by name, as the endpoint builds them for a connection of the store. */
function toolsOf(storeId: string): Record<string, McpTool> {
  const { messages, conversations, contacts, sessions, outbound } = ctx.h.daemon.services;
  const services = { messages, conversations, contacts, sessions, outbound } as unknown as McpServices;
  const tools = whatsappReadTools({ storeId, connectionId: 'c', config: {}, secret: {}, services, log: pino({ level: 'silent' }) });
  return Object.fromEntries(tools.map((t) => [t.name, t]));
}

const call = (tools: Record<string, McpTool>, name: string, args: unknown = {}) => runTool(tools[name]!, args);

async function refusal(tools: Record<string, McpTool>, name: string, args: unknown): Promise<string> {
  const err = await caught(() => call(tools, name, args));
  expect(err).toBeInstanceOf(AppError);
  return (err as AppError).code;
}

/** A contact's text, once the store has stored it (storage is the durable subscriber: it commits before the event's others). */
async function write(storeId: string, contact: FakeContact, text: string): Promise<void> {
  await contact.sendText(text);
  await waitForEvent(ctx.h, 'message.received', (e) => e.storeId === storeId && e.text === text);
}

describe('the WhatsApp read tools', () => {
  it("answer the store's chats, messages, contacts and slots, and nothing of another store", async () => {
    const store = await ctx.h.createStore('MCP Read Store');
    const other = await ctx.h.createStore('MCP Other Store');
    await linkSlot(ctx.h, ctx.sim, store, 1, '5511955557101');
    await linkSlot(ctx.h, ctx.sim, other, 1, '5511955557102');
    const ana = ctx.sim.phone('5511955557101').contact('5511988887101', { pushName: 'Ana Souza' });
    const bruno = ctx.sim.phone('5511955557101').contact('5511988887102', { pushName: 'Bruno' });
    const stranger = ctx.sim.phone('5511955557102').contact('5511988887103', { pushName: 'Outra Pessoa' });
    for (const text of ['oi, tudo bem?', 'quero fazer um pedido', 'o pedido é de 2 bolos']) await write(store.storeId, ana, text);
    for (const text of ['bom dia', 'qual o horário?']) await write(store.storeId, bruno, text);
    await write(other.storeId, stranger, 'oi outra loja');
    const reply = 'Oi Ana! Seu PEDIDO está anotado.';
    const sent = await ctx.h.request('POST', `/api/whatsapp/${store.storeId}/messages`, { key: store.apiKey, body: { type: 'text', to: '+55 11 98888-7101', text: reply, options: { typing: false } } });
    expect(sent.status).toBe(202);
    await ana.waitForText(reply);
    const lead = await ctx.h.request('POST', `/api/client/${store.storeId}/contacts`, { key: store.apiKey, body: { name: 'Carla Lima', phone: '(11) 97777-7104', tags: ['vip'] } });
    expect(lead.status).toBe(201);

    // What the rows say.
    const db = ctx.h.db.prisma;
    const rows = await db.contact.findMany({ where: { storeId: store.storeId, name: { in: ['Ana Souza', 'Bruno'] } }, include: { conversations: true } });
    const [anaRow, brunoRow] = ['Ana Souza', 'Bruno'].map((n) => rows.find((r) => r.name === n)!);
    expect([anaRow!.conversations.length, brunoRow!.conversations.length]).toEqual([1, 1]);
    const [anaChat, brunoChat] = [anaRow!.conversations[0]!, brunoRow!.conversations[0]!];
    const thread = (conversationId: string) =>
      db.message.findMany({ where: { storeId: store.storeId, conversationId }, orderBy: [{ sentAt: 'desc' }, { createdAt: 'desc' }, { id: 'desc' }] });
    const anaMessages = await thread(anaChat.id);
    const brunoMessages = await thread(brunoChat.id);
    expect(anaMessages.map((m) => m.text)).toEqual([reply, 'o pedido é de 2 bolos', 'quero fazer um pedido', 'oi, tudo bem?']);
    const ids = (list: { id: string }[]) => list.map((m) => m.id);
    const otherRow = await db.contact.findFirstOrThrow({ where: { storeId: other.storeId }, include: { conversations: true, messages: true } });
    const tools = toolsOf(store.storeId);

    // session_status: every slot, the linked one connected with its number.
    const status = await call(tools, 'session_status');
    expect(status.slots[0]).toMatchObject({ slot: 1, status: 'connected', isActive: true });
    expect(status.slots[0].phone.replace(/\D/g, '')).toBe('5511955557101');
    expect(status.slots.slice(1).every((s: { status: string }) => s.status === 'disconnected')).toBe(true);

    // list_chats: the open chats by latest message, as the rows order them.
    const byLatest = [anaChat, brunoChat].sort((a, b) => b.lastMessageAt!.getTime() - a.lastMessageAt!.getTime() || (a.id < b.id ? 1 : -1));
    const chats = await call(tools, 'list_chats');
    expect(chats.chats.map((c: { id: string }) => c.id)).toEqual(ids(byLatest));
    expect(chats.nextCursor).toBeNull();
    const anaItem = chats.chats.find((c: { id: string }) => c.id === anaChat.id);
    expect(anaItem).toEqual({
      id: anaChat.id,
      status: 'open',
      slot: 1,
      unread: 0, // answering a chat reads it
      lastMessageAt: anaChat.lastMessageAt!.toISOString(),
      contact: { id: anaRow!.id, name: 'Ana Souza', phone: '+5511988887101', jid: ana.pnJid, lid: ana.lidJid },
      lastMessage: { id: sent.body.id, direction: 'outbound', type: 'text', text: reply },
    });
    expect(chats.chats.find((c: { id: string }) => c.id === brunoChat.id)).toMatchObject({ unread: 2, lastMessage: { text: 'qual o horário?', direction: 'inbound' } });
    const first = await call(tools, 'list_chats', { limit: 1 });
    const second = await call(tools, 'list_chats', { limit: 1, cursor: first.nextCursor });
    expect([...first.chats, ...second.chats].map((c: { id: string }) => c.id)).toEqual(ids(byLatest));
    expect(second.nextCursor).toBeNull();
    expect((await call(tools, 'list_chats', { query: 'souza' })).chats.map((c: { id: string }) => c.id)).toEqual([anaChat.id]);
    expect((await call(tools, 'list_chats', { query: '98888-7102' })).chats.map((c: { id: string }) => c.id)).toEqual([brunoChat.id]);
    expect((await call(tools, 'list_chats', { status: 'all' })).chats.map((c: { id: string }) => c.id).sort()).toEqual(ids(byLatest).sort());
    expect((await call(tools, 'list_chats', { status: 'closed' })).chats).toEqual([]);
    expect((await call(tools, 'list_chats', { slot: 2 })).chats).toEqual([]);
    expect((await call(tools, 'list_chats', { status: 'all', slot: 1 })).chats).toHaveLength(2);
    expect(await refusal(tools, 'list_chats', { cursor: 'nonsense' })).toBe('VALIDATION_FAILED');

    // list_messages: one chat newest first, however the chat is named; paged, searched, bounded in time.
    const all = await call(tools, 'list_messages', { conversationId: anaChat.id });
    expect(ids(all.messages)).toEqual(ids(anaMessages));
    expect(all.nextCursor).toBeNull();
    expect(all.messages[0]).toEqual({
      id: sent.body.id,
      conversationId: anaChat.id,
      direction: 'outbound',
      fromMe: true,
      type: 'text',
      text: reply,
      status: expect.stringMatching(/^(sending|sent|delivered|read)$/), // the receipts may still be on their way
      timestamp: anaMessages[0]!.sentAt.toISOString(),
      slot: 1,
      mimetype: null,
      mediaUrl: null,
    });
    expect(all.messages[3]).toMatchObject({ text: 'oi, tudo bem?', direction: 'inbound', fromMe: false, status: 'received' });
    for (const chat of [{ contactId: anaRow!.id }, { phone: '+55 (11) 98888-7101' }, { phone: '11988887101' }, { phone: ana.pnJid }, { phone: ana.lidJid }]) {
      expect(ids((await call(tools, 'list_messages', chat)).messages)).toEqual(ids(anaMessages));
    }
    const page1 = await call(tools, 'list_messages', { phone: '11 98888-7101', limit: 3 });
    const page2 = await call(tools, 'list_messages', { phone: '11 98888-7101', limit: 3, cursor: page1.nextCursor });
    expect([ids(page1.messages), ids(page2.messages), page2.nextCursor]).toEqual([ids(anaMessages.slice(0, 3)), ids(anaMessages.slice(3)), null]);
    const withPedido = anaMessages.filter((m) => /pedido/i.test(m.text ?? ''));
    expect(withPedido).toHaveLength(3);
    expect(ids((await call(tools, 'list_messages', { conversationId: anaChat.id, query: 'Pedido' })).messages)).toEqual(ids(withPedido));
    // A search a match at a time: each page resumes right after the match it answered.
    const found: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await call(tools, 'list_messages', { contactId: anaRow!.id, query: 'pedido', limit: 1, ...(cursor ? { cursor } : {}) });
      found.push(...ids(page.messages));
      cursor = page.nextCursor ?? undefined;
    } while (cursor && found.length < 10);
    expect(found).toEqual(ids(withPedido));
    const [newest, oldest] = [anaMessages[0]!.sentAt, anaMessages[3]!.sentAt];
    const afterOldest = await call(tools, 'list_messages', { conversationId: anaChat.id, after: oldest.toISOString() });
    expect(ids(afterOldest.messages)).toEqual(ids(anaMessages.filter((m) => m.sentAt > oldest)));
    const beforeNewest = await call(tools, 'list_messages', { conversationId: anaChat.id, before: newest.toISOString() });
    expect(ids(beforeNewest.messages)).toEqual(ids(anaMessages.filter((m) => m.sentAt < newest)));
    const SECOND = 1000;
    expect(ids((await call(tools, 'list_messages', { conversationId: anaChat.id, after: new Date(oldest.getTime() - SECOND).toISOString(), before: new Date(newest.getTime() + SECOND).toISOString() })).messages)).toEqual(ids(anaMessages));
    expect((await call(tools, 'list_messages', { contactId: anaRow!.id, after: newest.toISOString() })).messages).toEqual([]);
    expect(() => tools.list_messages!.input.parse({ conversationId: anaChat.id, phone: '11988887101' })).toThrow(ZodError);
    expect(await refusal(tools, 'list_messages', { phone: 'not a number' })).toBe('VALIDATION_FAILED');
    expect(await refusal(tools, 'list_messages', { conversationId: anaChat.id, cursor: 'bad' })).toBe('VALIDATION_FAILED');

    // get_chat and get_direct_chat_by_contact: the chat, its contact, its last messages; older ones by list_messages.
    const chat = await call(tools, 'get_chat', { conversationId: anaChat.id, limit: 2 });
    expect(chat.chat).toEqual({ id: anaChat.id, status: 'open', slot: 1, unread: 0, startedAt: anaChat.startedAt.toISOString(), lastMessageAt: anaChat.lastMessageAt!.toISOString() });
    expect(chat.contact).toEqual(anaItem.contact);
    expect(ids(chat.messages)).toEqual(ids(anaMessages.slice(0, 2)));
    const older = await call(tools, 'list_messages', { conversationId: anaChat.id, cursor: chat.nextCursor });
    expect(ids(older.messages)).toEqual(ids(anaMessages.slice(2)));
    expect(await call(tools, 'get_chat', { phone: ana.lidJid, limit: 2 })).toEqual(chat);
    const brunos = await call(tools, 'get_direct_chat_by_contact', { contactId: brunoRow!.id });
    expect([brunos.chat.id, brunos.chat.unread, ids(brunos.messages), brunos.nextCursor]).toEqual([brunoChat.id, 2, ids(brunoMessages), null]);
    expect((await call(tools, 'get_direct_chat_by_contact', { phone: '+5511988887102' })).chat.id).toBe(brunoChat.id);
    expect(await refusal(tools, 'get_direct_chat_by_contact', { contactId: lead.body.id })).toBe('NOT_FOUND');

    // get_message_context: a message with its neighbours, found from its id alone or in its chat.
    const middle = anaMessages[2]!; // 'quero fazer um pedido'
    const context = await call(tools, 'get_message_context', { messageId: middle.id, around: 1 });
    expect([context.message.text, context.before.map((m: { text: string }) => m.text), context.after.map((m: { text: string }) => m.text), context.contact.id]).toEqual([
      'quero fazer um pedido',
      ['oi, tudo bem?'],
      ['o pedido é de 2 bolos'],
      anaRow!.id,
    ]);
    const wide = await call(tools, 'get_message_context', { messageId: middle.id, conversationId: anaChat.id });
    expect([ids(wide.before), ids(wide.after)]).toEqual([[anaMessages[3]!.id], [anaMessages[1]!.id, anaMessages[0]!.id]]);
    expect((await call(tools, 'get_message_context', { messageId: sent.body.id, around: 2 })).after).toEqual([]);

    // get_last_interaction: the latest message either way, or null.
    const lastAna = await call(tools, 'get_last_interaction', { phone: '+55 11 98888-7101' });
    expect([lastAna.contact.id, lastAna.message.id]).toEqual([anaRow!.id, sent.body.id]);
    expect((await call(tools, 'get_last_interaction', { contactId: brunoRow!.id })).message).toMatchObject({ id: brunoMessages[0]!.id, text: 'qual o horário?', fromMe: false });
    expect(await call(tools, 'get_last_interaction', { contactId: lead.body.id })).toEqual({
      contact: { id: lead.body.id, name: 'Carla Lima', phone: '+5511977777104', jid: '5511977777104@s.whatsapp.net', lid: null },
      message: null,
    });

    // search_contacts and get_contact: the contacts' fields, with when they last exchanged a message.
    const searched = await call(tools, 'search_contacts', { query: 'ana' });
    expect(searched.contacts).toEqual([
      {
        id: anaRow!.id,
        name: 'Ana Souza',
        pushName: 'Ana Souza',
        phone: '+5511988887101',
        jid: ana.pnJid,
        lid: ana.lidJid,
        email: null,
        notes: null,
        tags: [],
        optOut: false,
        createdAt: anaRow!.createdAt.toISOString(),
        updatedAt: expect.any(String),
        lastMessageAt: anaChat.lastMessageAt!.toISOString(),
      },
    ]);
    expect((await call(tools, 'search_contacts', { query: '7777-7104' })).contacts.map((c: { id: string; tags: string[]; lastMessageAt: null }) => [c.id, c.tags, c.lastMessageAt])).toEqual([[lead.body.id, ['vip'], null]]);
    const everyone = await call(tools, 'search_contacts', { query: '+55 11', limit: 2 });
    const rest = await call(tools, 'search_contacts', { query: '+55 11', limit: 2, cursor: everyone.nextCursor });
    expect([...everyone.contacts, ...rest.contacts].map((c: { id: string }) => c.id).sort()).toEqual([anaRow!.id, brunoRow!.id, lead.body.id].sort());
    const contact = await call(tools, 'get_contact', { id: anaRow!.id });
    expect(contact.contact).toEqual({ ...searched.contacts[0], identities: [] });
    expect(await call(tools, 'get_contact', { phone: '(11) 98888-7101' })).toEqual(contact);
    expect(await call(tools, 'get_contact', { phone: ana.lidJid })).toEqual(contact);

    // Another store's ids and numbers are none of this store's.
    const otherChat = otherRow.conversations[0]!.id;
    const otherMessage = otherRow.messages[0]!.id;
    const refused = [
      await refusal(tools, 'get_chat', { conversationId: otherChat }),
      await refusal(tools, 'list_messages', { conversationId: otherChat }),
      await refusal(tools, 'list_messages', { contactId: otherRow.id }),
      await refusal(tools, 'get_direct_chat_by_contact', { contactId: otherRow.id }),
      await refusal(tools, 'get_message_context', { messageId: otherMessage }),
      await refusal(tools, 'get_message_context', { messageId: otherMessage, conversationId: otherChat }),
      await refusal(tools, 'get_last_interaction', { contactId: otherRow.id }),
      await refusal(tools, 'get_contact', { id: otherRow.id }),
      await refusal(tools, 'get_contact', { phone: '+55 11 98888-7103' }),
      await refusal(tools, 'get_chat', { phone: stranger.lidJid }),
    ];
    expect(refused).toEqual(refused.map(() => 'NOT_FOUND'));
    // …while that store's own tools answer them.
    const theirs = toolsOf(other.storeId);
    expect((await call(theirs, 'get_chat', { phone: '+55 11 98888-7103' })).messages.map((m: { id: string }) => m.id)).toEqual([otherMessage]);
    expect((await call(theirs, 'list_chats')).chats.map((c: { id: string }) => c.id)).toEqual([otherChat]);
  });
});
