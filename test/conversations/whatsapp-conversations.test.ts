// A WhatsApp conversation end to end, as the dashboard and a phone use it: a new number's "oi"
// makes a lead and a thread (events for both), shows in the summary, is read with blue ticks the
// contact receives, and is answered from the conversation, decrypted by the contact.
import { describe, expect, it } from '@jest/globals';
import { useDaemonSuite, waitForEvent } from '../support/daemon-harness.js';
import { eventually } from '../support/eventually.js';
import { linkSlot } from '../support/link-slot.js';

const ctx = useDaemonSuite();

describe('a WhatsApp conversation', () => {
  it('is opened by a new number, counted, read with receipts and answered', async () => {
    const store = await ctx.h.createStore('Conversation Store');
    await linkSlot(ctx.h, ctx.sim, store, 1, '5511955550301');
    const contact = ctx.sim.phone('5511955550301').contact(undefined, { pushName: 'Lia' });
    const first = await contact.sendText('oi');

    const created = await waitForEvent(ctx.h, 'contact.created', (e) => e.storeId === store.storeId);
    const opened = await waitForEvent(ctx.h, 'conversation.opened', (e) => e.storeId === store.storeId);
    expect([created.source, opened.source, opened.channel, opened.contactId]).toEqual(['whatsapp', 'whatsapp', 'whatsapp', created.contactId]);
    const summary = await eventually(
      async () => (await ctx.h.request('GET', `/api/client/${store.storeId}/summary`, { key: store.apiKey })).body,
      (b) => b.unreadInboundCount === 1,
    );
    expect(summary).toMatchObject({ openConversationsCount: 1, unreadInboundCount: 1, messagesInToday: 1, messagesOutToday: 0 });

    // A second message into the same thread: no new lead, no new thread.
    const second = await contact.sendText('tudo bem?');
    await eventually(() => ctx.h.db.prisma.message.count({ where: { storeId: store.storeId } }), (n) => n === 2);
    const read = await ctx.h.request('POST', `/api/client/${store.storeId}/conversations/${opened.conversationId}/read`, { key: store.apiKey, body: { receipts: true } });
    expect([read.status, read.body.conversation.unread, read.body.receipts]).toEqual([200, 0, { sent: 2, error: null }]);
    await contact.waitForClientReceipt(first, { type: 'read' });
    await contact.waitForClientReceipt(second, { type: 'read' });

    const sent = await ctx.h.request('POST', `/api/client/${store.storeId}/conversations/${opened.conversationId}/messages`, { key: store.apiKey, body: { text: 'Oi Lia! Em que posso ajudar?' } });
    expect([sent.status, sent.body.channel, sent.body.status]).toEqual([202, 'whatsapp', 'queued']);
    await contact.waitForText('Oi Lia! Em que posso ajudar?');
    const message = await eventually(() => ctx.h.db.prisma.message.findUniqueOrThrow({ where: { id: sent.body.id } }), (m) => m.status !== 'queued');
    expect([message.conversationId, message.direction]).toEqual([opened.conversationId, 'outbound']);
    // The first lead and thread events were taken above; the second message and the answer made none.
    const more = ctx.h.events.peekAll().filter((e) => ['contact.created', 'conversation.opened'].includes(e.type) && (e.event as { storeId: string }).storeId === store.storeId);
    expect(more).toEqual([]);
  });
});
