// A store's key reaches its own store only: every store route of the OpenAPI document, called on
// one store's real rows with another store's key (403) and with none (401), changes nothing; and a
// store's own key finds no other store's rows under its own path (404).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startAppHarness, type AppHarness } from '../support/app-harness.js';
import { routesOf } from './fuzz-cases.js';

let h: AppHarness;
beforeAll(async () => {
  h = await startAppHarness();
});
afterAll(async () => h?.close());

/** A body each write would accept from the right key, so only the key can be what stops it. */
const VALID_BODIES: Record<string, unknown> = {
  'POST /api/whatsapp/{storeId}/messages': { to: '+5511988887777', type: 'text', text: 'oi' },
  'PATCH /api/whatsapp/{storeId}/send-settings': { sendPolicy: { perSlotPerMinute: 1 } },
  'POST /api/whatsapp/{storeId}/{slot}/pairing-code': { phone: '+5511988887777' },
  'POST /api/whatsapp/{storeId}/check-numbers': { numbers: ['+5511988887777'] },
};

async function seed(storeId: string) {
  const p = h.db.prisma;
  const contact = await p.contact.create({ data: { storeId, jidPn: '5511988887777@s.whatsapp.net', name: 'Cliente' } });
  const conversation = await p.conversation.create({ data: { storeId, contactId: contact.id, slot: 1 } });
  const message = await p.message.create({
    data: { storeId, slot: 1, contactId: contact.id, conversationId: conversation.id, waMessageId: 'WA1', remoteJid: contact.jidPn!, direction: 'outbound', status: 'queued', sentAt: new Date(), text: 'segredo' },
  });
  await p.outboundJob.create({ data: { storeId, slot: 1, messageId: message.id, toJid: contact.jidPn!, request: { type: 'text', text: 'segredo' } } });
  await p.storeSettings.create({ data: { storeId, sendPolicy: { perSlotPerMinute: 9 } } });
  return { conversationId: conversation.id, messageId: message.id };
}

async function snapshot(storeId: string) {
  const p = h.db.prisma;
  return {
    messages: await p.message.findMany({ where: { storeId }, orderBy: { id: 'asc' } }),
    jobs: await p.outboundJob.findMany({ where: { storeId }, orderBy: { id: 'asc' } }),
    events: await p.messageStatusEvent.count({ where: { storeId } }),
    settings: await p.storeSettings.findUnique({ where: { storeId } }),
    slots: await p.sessionSlot.findMany({ where: { storeId } }),
    commands: await p.slotCommand.count({ where: { storeId } }),
    conversations: await p.conversation.findMany({ where: { storeId }, orderBy: { id: 'asc' } }),
  };
}

describe('store keys', () => {
  it('every store route refuses another store’s key (403) and no key (401), and writes nothing', async () => {
    const victim = await h.services.stores.create('Victim', { actor: 'admin' });
    const intruder = await h.services.stores.create('Intruder', { actor: 'admin' });
    const ids = await seed(victim.storeId);
    const before = await snapshot(victim.storeId);

    const routes = routesOf((await h.request('GET', '/openapi.json')).body).filter((r) => r.auth === 'store');
    expect(routes.map((r) => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining(['POST /api/whatsapp/{storeId}/messages', 'GET /api/whatsapp/{storeId}/messages/{id}', 'GET /api/client/{storeId}/inbox', 'GET /api/client/{storeId}/conversations/{id}']),
    );
    const seen: string[] = [];
    for (const route of routes) {
      const id = route.path.includes('/conversations/') ? ids.conversationId : ids.messageId;
      const path = route.path.replace('{storeId}', victim.storeId).replace('{slot}', '1').replace('{id}', id);
      const body = VALID_BODIES[`${route.method} ${route.path}`] ?? (route.hasBody ? {} : undefined);
      const foreign = await h.request(route.method, path, { key: intruder.apiKey, body });
      const none = await h.request(route.method, path, { body });
      seen.push(`${route.method} ${route.path} ${foreign.status} ${none.status}`);
      expect({ route: `${route.method} ${route.path}`, foreign: foreign.status, code: foreign.body?.error?.code, none: none.status }).toEqual({
        route: `${route.method} ${route.path}`,
        foreign: 403,
        code: 'FORBIDDEN',
        none: 401,
      });
    }
    expect(await snapshot(victim.storeId)).toEqual(before);
    expect(seen.length).toBe(routes.length);
  });

  it('under its own path, a store’s key finds no other store’s message or conversation', async () => {
    const owner = await h.services.stores.create('Owner', { actor: 'admin' });
    const other = await h.services.stores.create('Other', { actor: 'admin' });
    const ids = await seed(owner.storeId);
    const message = await h.request('GET', `/api/whatsapp/${other.storeId}/messages/${ids.messageId}`, { key: other.apiKey });
    const conversation = await h.request('GET', `/api/client/${other.storeId}/conversations/${ids.conversationId}`, { key: other.apiKey });
    expect([message.status, conversation.status]).toEqual([404, 404]);
    expect(JSON.stringify([message.body, conversation.body])).not.toContain('segredo');
    // A reaction or a quote can only name the sender's own messages.
    const reaction = await h.request('POST', `/api/whatsapp/${other.storeId}/messages`, { key: other.apiKey, body: { to: '+5511988887777', type: 'reaction', messageId: ids.messageId, emoji: '👍' } });
    expect(reaction.status).toBe(404);
  });
});
