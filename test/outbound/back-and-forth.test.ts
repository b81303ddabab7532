// A chat that goes back and forth fast: the contact answers the instant it has decrypted our
// message, while the daemon is still committing the Signal session that send advanced. Before
// decrypts waited for our sends' commits (whatsapp/engine/signal-serialization.ts), the two session
// writes raced and the contact could not decrypt our second or third reply.
import { describe, expect, it } from '@jest/globals';
import { useDaemonSuite } from '../support/daemon-harness.js';
import { eventually } from '../support/eventually.js';
import { linkSlot } from '../support/link-slot.js';

const ctx = useDaemonSuite();

describe('a fast back-and-forth', () => {
  it('keeps every message of both sides decryptable', async () => {
    const store = await ctx.h.createStore('Back and forth');
    await linkSlot(ctx.h, ctx.sim, store, 1, '5511955559901');
    const contact = ctx.sim.phone('5511955559901').contact();
    for (let i = 0; i < 8; i++) {
      await contact.sendText(`pergunta ${i}`);
      const stored = await eventually(() => ctx.h.db.prisma.message.findFirst({ where: { storeId: store.storeId, text: `pergunta ${i}` } }), (m) => m !== null);
      const sent = await ctx.h.request('POST', `/api/whatsapp/${store.storeId}/messages`, { key: store.apiKey, body: { type: 'text', to: stored!.remoteJid, text: `resposta ${i}`, options: { typing: false } } });
      expect(sent.status).toBe(202);
      await contact.waitForText(`resposta ${i}`);
    }
    expect(await ctx.h.db.prisma.message.count({ where: { storeId: store.storeId } })).toBe(16);
  });
});
