// The whatsapp provider over the MCP endpoint with the SDK's Client, against the WhatsApp
// simulator: every tool listed with schemas and honest hints and called once, answering what the
// store's data and the contact's phone say — a send_message reaches the contact and shows in the
// CRM; a chat marked read sends blue ticks; media, a location, a reaction, a forward and
// "typing…" reach the phone.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { useDaemonSuite, waitForEvent } from '../support/daemon-harness.js';
import { eventually } from '../support/eventually.js';
import { linkSlot } from '../support/link-slot.js';
import { connectMcp, errorText, structured, type McpSession } from './mcp-client.js';

const ctx = useDaemonSuite({ env: { SEND_MEDIA_ALLOW_PRIVATE: 'true' } });
const IMAGE = randomBytes(8_000);
let files: http.Server;
let filesUrl: string;
let session: McpSession;
let store: { storeId: string; apiKey: string };

beforeAll(async () => {
  files = http.createServer((req, res) => (req.url === '/menu.jpg' ? res.writeHead(200, { 'content-type': 'image/jpeg' }).end(IMAGE) : res.writeHead(404).end()));
  await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', () => resolve()));
  filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await session?.close();
  files.closeAllConnections();
  await new Promise((resolve) => files.close(resolve));
});

const call = (name: string, args: Record<string, unknown> = {}) => session.client.callTool({ name, arguments: args });

describe('the whatsapp provider', () => {
  it('lists its tools with schemas and hints', async () => {
    store = await ctx.h.createStore('MCP WhatsApp');
    session = await connectMcp(ctx.h.daemon.url, ctx.h.request, store, 'whatsapp');
    const { tools } = await session.client.listTools();
    const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
    expect(Object.keys(byName).sort()).toEqual([
      'check_number', 'forward_message', 'get_chat', 'get_contact', 'get_direct_chat_by_contact', 'get_last_interaction', 'get_message_context', 'list_chats',
      'list_messages', 'mark_read', 'search_contacts', 'send_location', 'send_media', 'send_message', 'send_reaction', 'session_status', 'start_typing',
    ]);
    for (const tool of tools) {
      expect(tool.inputSchema.type).toBe('object');
      expect(tool.outputSchema?.type).toBe('object');
    }
    for (const name of ['list_chats', 'list_messages', 'get_chat', 'search_contacts', 'get_contact', 'check_number']) expect(byName[name]!.annotations?.readOnlyHint).toBe(true);
    for (const name of ['send_message', 'send_media', 'send_location', 'forward_message']) expect(byName[name]!.annotations).toMatchObject({ readOnlyHint: false, idempotentHint: false, openWorldHint: true });
  });

  it('reads a contact\'s chat, answers it, and acts on it on the contact\'s phone', async () => {
    await linkSlot(ctx.h, ctx.sim, store, 1, '5511955550601');
    const contact = ctx.sim.phone('5511955550601').contact('5511988886001', { pushName: 'Rui' });
    const first = await contact.sendText('oi, vocês abrem sábado?');
    const opened = await waitForEvent(ctx.h, 'conversation.opened', (e) => e.storeId === store.storeId);
    await waitForEvent(ctx.h, 'message.received', (e) => e.storeId === store.storeId && e.waMessageId === first);

    // Reads: the chat, its messages, the contact.
    const status = structured(await call('session_status'));
    expect(status.slots.find((s: { slot: number }) => s.slot === 1)).toMatchObject({ status: 'connected', isActive: true });
    const chats = structured(await call('list_chats'));
    expect(chats.chats.map((c: { id: string }) => c.id)).toEqual([opened.conversationId]);
    expect(chats.chats[0].contact.phone).toBe('+5511988886001');
    const found = structured(await call('search_contacts', { query: 'Rui' }));
    expect(found.contacts.map((c: { id: string }) => c.id)).toEqual([opened.contactId]);
    expect(structured(await call('get_contact', { phone: '+55 11 98888-6001' })).contact.id).toBe(opened.contactId);
    // WhatsApp addressed the chat by the contact's LID: that finds them too.
    const lid = chats.chats[0].contact.lid;
    expect(lid).toMatch(/@lid$/);
    expect(structured(await call('get_contact', { phone: lid })).contact.id).toBe(opened.contactId);
    const inbound = structured(await call('list_messages', { conversationId: opened.conversationId }));
    expect(inbound.messages.map((m: { text: string }) => m.text)).toEqual(['oi, vocês abrem sábado?']);
    const contactMessageId = inbound.messages[0].id;
    // Read before it is answered (an answer reads the chat too): blue ticks on the contact's phone.
    const read = structured(await call('mark_read', { conversationId: opened.conversationId }));
    expect([read.conversation.unread, read.receipts]).toEqual([0, { sent: 1, error: null }]);
    await contact.waitForClientReceipt(first, { type: 'read' });

    // send_message reaches the phone and shows in the CRM as the store's reply.
    const sent = structured(await call('send_message', { to: '+5511988886001', text: 'Abrimos sim, das 9h às 13h!' }));
    expect(sent).toMatchObject({ status: 'queued', slot: 1 });
    await contact.waitForText('Abrimos sim, das 9h às 13h!');
    const row = await eventually(() => ctx.h.db.prisma.message.findUniqueOrThrow({ where: { id: sent.id } }), (m) => m.status !== 'queued' && m.status !== 'sending');
    expect(row).toMatchObject({ direction: 'outbound', conversationId: opened.conversationId, text: 'Abrimos sim, das 9h às 13h!' });
    expect(row.metadata).toMatchObject({ origin: 'mcp', connectionId: session.connectionId });
    const crm = await ctx.h.request('GET', `/api/client/${store.storeId}/conversations/${opened.conversationId}`, { key: store.apiKey });
    expect(JSON.stringify(crm.body)).toContain('Abrimos sim, das 9h às 13h!');

    const chat = structured(await call('get_chat', { conversationId: opened.conversationId }));
    expect(chat.messages.map((m: { text: string }) => m.text)).toEqual(['Abrimos sim, das 9h às 13h!', 'oi, vocês abrem sábado?']);
    expect(structured(await call('get_direct_chat_by_contact', { contactId: opened.contactId })).chat.id).toBe(opened.conversationId);
    const last = structured(await call('get_last_interaction', { phone: '+5511988886001' }));
    expect(last.message).toMatchObject({ id: sent.id, fromMe: true });
    const around = structured(await call('get_message_context', { messageId: contactMessageId }));
    expect(around.after.map((m: { id: string }) => m.id)).toEqual([sent.id]);

    // Media, a location, a reaction and a forward arrive as such.
    structured(await call('send_media', { to: '+5511988886001', kind: 'image', url: `${filesUrl}/menu.jpg`, caption: 'Cardápio' }));
    expect((await contact.nextMessage({ timeoutMs: 30_000 })).message.imageMessage?.caption).toBe('Cardápio');
    structured(await call('send_location', { to: '+5511988886001', latitude: -23.55, longitude: -46.63, name: 'Padaria Drin' }));
    expect((await contact.nextMessage()).message.locationMessage).toMatchObject({ degreesLatitude: -23.55, name: 'Padaria Drin' });
    structured(await call('send_reaction', { to: '+5511988886001', messageId: contactMessageId, emoji: '👍' }));
    expect((await contact.nextMessage()).message.reactionMessage).toMatchObject({ text: '👍', key: { id: first } });
    // A message someone else wrote is marked "Forwarded" (WhatsApp does not mark one's own).
    structured(await call('forward_message', { messageId: contactMessageId, to: '+5511988886001' }));
    const forwarded = await contact.nextMessage();
    expect(forwarded.text).toBe('oi, vocês abrem sábado?');
    expect(forwarded.message.extendedTextMessage?.contextInfo?.isForwarded).toBe(true);

    // typing… and a number check.
    expect(structured(await call('start_typing', { to: '+5511988886001' }))).toMatchObject({ slot: 1, state: 'composing' });
    await contact.chatStates.take((s) => s.state === 'composing', 'typing… from the store', 30_000);
    const checked = structured(await call('check_number', { numbers: ['+5511988886001'] }));
    expect(checked.numbers[0]).toMatchObject({ onWhatsApp: true });
  });

  it('refuses what the governor or the schema refuses, as isError results', async () => {
    expect(errorText(await call('send_message', { to: '+5511988886001' }))).toMatch(/text/);
    expect(errorText(await call('send_message', { to: 'x', text: 'oi' }))).toMatch(/to|phone|number/i);
    expect(errorText(await call('get_chat', { conversationId: 'someone-elses' }))).toMatch(/not found/i);
  });
});
