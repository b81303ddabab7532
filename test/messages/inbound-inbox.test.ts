// Inbound messages stored and shown in the inbox, end to end: the simulator's contacts write to a
// linked slot through the real Baileys client; the dashboard reads the inbox over HTTP.
import { describe, expect, it } from '@jest/globals';
import { proto } from '@whiskeysockets/baileys';
import { ADMIN_KEY, useDaemonSuite } from '../support/daemon-harness.js';
import { eventually } from '../support/eventually.js';
import { linkSlot } from '../support/link-slot.js';

const ctx = useDaemonSuite();

describe('inbound messages and the inbox', () => {
  it('"oi" from a new number: a lead with its push name and both JIDs, a conversation with the snippet, unread 1', async () => {
    const store = await ctx.h.createStore('Inbox Store');
    await linkSlot(ctx.h, ctx.sim, store, 1, '5511955550101');
    const contact = ctx.sim.phone('5511955550101').contact(undefined, { pushName: 'Joana' });
    await contact.sendText('oi');

    const inbox = await eventually(
      async () => (await ctx.h.request('GET', `/api/client/${store.storeId}/inbox`, { key: store.apiKey })).body,
      (b) => b.data?.length === 1,
    );
    expect(inbox.data).toEqual([
      expect.objectContaining({
        slot: 1,
        unread: 1,
        lastMessage: expect.objectContaining({ text: 'oi', type: 'text', direction: 'inbound' }),
        contact: expect.objectContaining({ pushName: 'Joana', name: 'Joana', jidPn: contact.pnJid, jidLid: contact.lidJid }),
      }),
    ]);
    const conversation = await ctx.h.request('GET', `/api/client/${store.storeId}/conversations/${inbox.data[0].conversationId}`, { key: store.apiKey });
    expect(conversation.status).toBe(200);
    expect(conversation.body.messages).toEqual([expect.objectContaining({ text: 'oi', status: 'received', slot: 1 })]);
    // The protobuf bytes are kept (not JSON).
    const { rows } = await ctx.h.db.pool.query('SELECT octet_length(payload) AS n FROM messages WHERE store_id = $1', [store.storeId]);
    expect(rows[0].n).toBeGreaterThan(0);
  });

  it('the same person by LID and by phone number is one contact, one conversation; a second message counts as unread', async () => {
    const store = await ctx.h.createStore('One Person Store');
    await linkSlot(ctx.h, ctx.sim, store, 2, '5511955550102');
    const contact = ctx.sim.phone('5511955550102').contact(undefined, { pushName: 'Carlos' });
    await contact.sendText('pelo lid', { addressing: 'lid' });
    // Baileys decrypts a LID chat and a PN chat in queues of their own, so two messages sent back to
    // back may be emitted in either order: the second goes once the first is stored.
    await eventually(() => ctx.h.db.prisma.message.count({ where: { storeId: store.storeId } }), (n) => n === 1);
    await contact.sendText('pelo número', { addressing: 'pn' });

    const inbox = await eventually(
      async () => (await ctx.h.request('GET', `/api/client/${store.storeId}/inbox`, { key: store.apiKey })).body,
      (b) => b.data?.[0]?.unread === 2,
    );
    expect(inbox.data).toHaveLength(1);
    expect(inbox.data[0]).toMatchObject({ unread: 2, lastMessage: { text: 'pelo número' } });
    expect(await ctx.h.db.prisma.contact.count({ where: { storeId: store.storeId } })).toBe(1);
    expect(await ctx.h.db.prisma.message.count({ where: { storeId: store.storeId } })).toBe(2);
  });

  it('a redelivered WhatsApp message id is stored once', async () => {
    const store = await ctx.h.createStore('Redelivery Store');
    await linkSlot(ctx.h, ctx.sim, store, 3, '5511955550103');
    const contact = ctx.sim.phone('5511955550103').contact(undefined, { pushName: 'Rita' });
    const id = await contact.sendText('uma vez');
    await eventually(() => ctx.h.db.prisma.message.count({ where: { storeId: store.storeId } }), (n) => n === 1);
    // The same id again, as WhatsApp redelivers a message it thinks was not received.
    await contact.sendText('uma vez', { id });
    await contact.sendText('depois');
    await eventually(() => ctx.h.db.prisma.message.count({ where: { storeId: store.storeId, text: 'depois' } }), (n) => n === 1);
    expect(await ctx.h.db.prisma.message.count({ where: { storeId: store.storeId, waMessageId: id } })).toBe(1);
    const inbox = (await ctx.h.request('GET', `/api/client/${store.storeId}/inbox`, { key: store.apiKey })).body;
    expect(inbox.data[0].unread).toBe(2);
  });

  it('pages the inbox with a cursor, refuses a bad one, and keeps stores apart', async () => {
    const store = await ctx.h.createStore('Paged Store');
    const other = await ctx.h.createStore('Other Store');
    await linkSlot(ctx.h, ctx.sim, store, 1, '5511955550104');
    const phone = ctx.sim.phone('5511955550104');
    for (const name of ['A', 'B', 'C']) await phone.contact(undefined, { pushName: name }).sendText(`oi de ${name}`);
    await eventually(async () => (await ctx.h.request('GET', `/api/client/${store.storeId}/inbox`, { key: store.apiKey })).body.data.length, (n) => n === 3);

    const first = (await ctx.h.request('GET', `/api/client/${store.storeId}/inbox?limit=2`, { key: store.apiKey })).body;
    expect(first.data).toHaveLength(2);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = (await ctx.h.request('GET', `/api/client/${store.storeId}/inbox?limit=2&cursor=${first.nextCursor}`, { key: store.apiKey })).body;
    expect(second.data).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    const seen = [...first.data, ...second.data].map((c: { conversationId: string }) => c.conversationId);
    expect(new Set(seen).size).toBe(3);

    const bad = await ctx.h.request('GET', `/api/client/${store.storeId}/inbox?cursor=nope`, { key: store.apiKey });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');

    // Another store's key: 403 on every route of this domain; no key: 401; its own inbox is empty.
    const conversationId = seen[0];
    for (const path of [`/api/client/${store.storeId}/inbox`, `/api/client/${store.storeId}/conversations/${conversationId}`]) {
      expect((await ctx.h.request('GET', path, { key: other.apiKey })).status).toBe(403);
      expect((await ctx.h.request('GET', path)).status).toBe(401);
    }
    expect((await ctx.h.request('GET', `/api/client/${other.storeId}/conversations/${conversationId}`, { key: other.apiKey })).status).toBe(404);
    expect((await ctx.h.request('GET', `/api/client/${other.storeId}/inbox`, { key: other.apiKey })).body.data).toEqual([]);
    expect((await ctx.h.request('GET', `/api/admin/stores/${other.storeId}`, { key: ADMIN_KEY })).status).toBe(200);
  });

  it('a reaction attaches to its message, an edit replaces the text, a revoke marks it deleted — none is a new message', async () => {
    const store = await ctx.h.createStore('Changes Store');
    await linkSlot(ctx.h, ctx.sim, store, 2, '5511955550105');
    const contact = ctx.sim.phone('5511955550105').contact(undefined, { pushName: 'Lia' });
    const row = (id: string) => ctx.h.db.prisma.message.findFirst({ where: { storeId: store.storeId, waMessageId: id } });
    // One at a time: within one second of WhatsApp time, arrival decides which message is the last.
    const first = await contact.sendText('quero uma pizza');
    await eventually(() => row(first), (r) => r !== null);
    const second = await contact.sendText('de calabresa');
    await eventually(() => row(second), (r) => r !== null);

    const targetKey = (id: string) => ({ remoteJid: ctx.sim.phone('5511955550105').lidJid, fromMe: false, id });
    await contact.sendMessage({ reactionMessage: { key: targetKey(first), text: '👍', senderTimestampMs: Date.now() } });
    await contact.sendMessage({
      protocolMessage: { key: targetKey(second), type: proto.Message.ProtocolMessage.Type.MESSAGE_EDIT, editedMessage: { conversation: 'de marguerita' } },
    });
    await contact.sendMessage({ protocolMessage: { key: targetKey(first), type: proto.Message.ProtocolMessage.Type.REVOKE } });

    const revoked = await eventually(() => row(first), (r) => (r?.metadata as { deleted?: boolean } | null)?.deleted === true);
    expect(revoked).toMatchObject({ text: null, metadata: expect.objectContaining({ deleted: true, reactions: { [contact.lidJid]: '👍' } }) });
    const edited = await row(second);
    expect(edited).toMatchObject({ text: 'de marguerita', metadata: expect.objectContaining({ edited: true }) });
    // Two messages, two unread: the changes were applied, not stored as messages.
    expect(await ctx.h.db.prisma.message.count({ where: { storeId: store.storeId } })).toBe(2);
    const inbox = (await ctx.h.request('GET', `/api/client/${store.storeId}/inbox`, { key: store.apiKey })).body;
    expect(inbox.data[0]).toMatchObject({ unread: 2, lastMessage: { text: 'de marguerita' } });
  });
});
