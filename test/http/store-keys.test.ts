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
  'POST /api/client/{storeId}/contacts': { name: 'Novo', phone: '+5511977776666' },
  'PATCH /api/client/{storeId}/contacts/{id}': { name: 'Outro nome' },
  'POST /api/client/{storeId}/contacts/{id}/merge': { otherId: 'OTHER_CONTACT' },
  'POST /api/client/{storeId}/services': { name: 'Corte', priceCents: 5000, durationMinutes: 30 },
  'PATCH /api/client/{storeId}/services/{id}': { name: 'Corte e barba' },
  'POST /api/client/{storeId}/appointments': { contactId: 'CONTACT', serviceId: 'SERVICE', startsAt: '2030-01-02T15:00:00.000Z' },
  'PATCH /api/client/{storeId}/appointments/{id}': { notes: 'trazer documento' },
  'POST /api/client/{storeId}/conversations/{id}/read': { receipts: false },
  'POST /api/client/{storeId}/conversations/{id}/messages': { text: 'oi' },
  'PATCH /api/client/{storeId}/settings': { timezone: 'America/Manaus' },
  'PUT /api/client/{storeId}/config': { botName: 'Intrusa', botEnabled: false },
  'PUT /api/client/{storeId}/contacts/{id}/bot-pause': { minutes: 60 },
  'POST /api/client/{storeId}/contacts/{id}/snapshot': { force: true },
};

/** The victim's row a route's `{id}` names: by the collection in its path. */
function idFor(path: string, ids: Awaited<ReturnType<typeof seed>>): string {
  if (path.includes('/conversations/')) return ids.conversationId;
  if (path.includes('/contacts/')) return ids.contactId;
  if (path.includes('/services/')) return ids.serviceId;
  if (path.includes('/appointments/')) return ids.appointmentId;
  if (path.includes('/bot/turns/')) return ids.turnId;
  return ids.messageId;
}

function bodyFor(route: { method: string; path: string; hasBody: boolean }, ids: Awaited<ReturnType<typeof seed>>): unknown {
  const body = VALID_BODIES[`${route.method} ${route.path}`];
  if (body === undefined) return route.hasBody ? {} : undefined;
  return JSON.parse(JSON.stringify(body).replace('OTHER_CONTACT', ids.otherContactId).replace('"CONTACT"', `"${ids.contactId}"`).replace('SERVICE', ids.serviceId));
}

async function seed(storeId: string) {
  const p = h.db.prisma;
  const contact = await p.contact.create({ data: { storeId, jidPn: '5511988887777@s.whatsapp.net', name: 'Cliente' } });
  const conversation = await p.conversation.create({ data: { storeId, contactId: contact.id, slot: 1 } });
  const message = await p.message.create({
    data: { storeId, slot: 1, contactId: contact.id, conversationId: conversation.id, waMessageId: 'WA1', remoteJid: contact.jidPn!, direction: 'outbound', status: 'queued', sentAt: new Date(), text: 'segredo' },
  });
  await p.outboundJob.create({ data: { storeId, slot: 1, messageId: message.id, toJid: contact.jidPn!, request: { type: 'text', text: 'segredo' } } });
  await p.storeSettings.create({ data: { storeId, sendPolicy: { perSlotPerMinute: 9 } } });
  const other = await p.contact.create({ data: { storeId, jidPn: '5511966665555@s.whatsapp.net', name: 'Outra' } });
  const service = await p.service.create({ data: { storeId, name: 'Serviço secreto', priceCents: 100, durationMinutes: 30 } });
  const startsAt = new Date('2030-01-01T12:00:00Z');
  const appointment = await p.appointment.create({
    data: { storeId, contactId: contact.id, serviceId: service.id, startsAt, endsAt: new Date(startsAt.getTime() + 1_800_000), notes: 'segredo' },
  });
  await p.botPause.create({ data: { storeId, contactId: contact.id, until: new Date(Date.now() + 3_600_000), reason: 'owner_reply' } });
  const turn = await p.botTurn.create({
    data: { storeId, conversationId: conversation.id, contactId: contact.id, slot: 1, state: 'replied', dueAt: new Date(), firstAt: new Date(), triggerMessageId: message.id, triggerAt: new Date(), replyText: 'segredo' },
  });
  await p.aiSnapshot.create({ data: { storeId, contactId: contact.id, summary: 'segredo', reason: 'manual' } });
  return { conversationId: conversation.id, messageId: message.id, contactId: contact.id, otherContactId: other.id, serviceId: service.id, appointmentId: appointment.id, turnId: turn.id };
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
    contacts: await p.contact.findMany({ where: { storeId }, orderBy: { id: 'asc' } }),
    services: await p.service.findMany({ where: { storeId }, orderBy: { id: 'asc' } }),
    appointments: await p.appointment.findMany({ where: { storeId }, orderBy: { id: 'asc' } }),
    botConfig: await p.botConfig.findUnique({ where: { storeId } }),
    botPauses: await p.botPause.findMany({ where: { storeId } }),
    botTurns: await p.botTurn.findMany({ where: { storeId }, orderBy: { id: 'asc' } }),
    snapshots: await p.aiSnapshot.findMany({ where: { storeId }, orderBy: { id: 'asc' } }),
    llmCalls: await p.llmCall.count({ where: { storeId } }),
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
      expect.arrayContaining([
        'POST /api/whatsapp/{storeId}/messages',
        'GET /api/whatsapp/{storeId}/messages/{id}',
        'GET /api/client/{storeId}/inbox',
        'GET /api/client/{storeId}/conversations/{id}',
        ...Object.keys(VALID_BODIES).filter((k) => k.includes('/api/client/')),
        'GET /api/client/{storeId}/contacts/{id}/profile',
        'GET /api/client/{storeId}/summary',
        'DELETE /api/client/{storeId}/services/{id}',
        'GET /api/client/{storeId}/config',
        'GET /api/client/{storeId}/usage',
        'GET /api/client/{storeId}/contacts/{id}/bot-pause',
        'DELETE /api/client/{storeId}/contacts/{id}/bot-pause',
        'GET /api/client/{storeId}/bot/turns',
        'GET /api/client/{storeId}/bot/turns/{id}',
        'POST /api/client/{storeId}/webhooks',
        'PATCH /api/client/{storeId}/webhooks/{id}',
        'GET /api/client/{storeId}/webhooks/{id}/deliveries',
        'POST /api/client/{storeId}/webhooks/{id}/deliveries/{deliveryId}/replay',
      ]),
    );
    const seen: string[] = [];
    for (const route of routes) {
      const path = route.path.replace('{storeId}', victim.storeId).replace('{slot}', '1').replace('{id}', idFor(route.path, ids));
      const body = bodyFor(route, ids);
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
    const turn = await h.request('GET', `/api/client/${other.storeId}/bot/turns/${ids.turnId}`, { key: other.apiKey });
    const turns = await h.request('GET', `/api/client/${other.storeId}/bot/turns`, { key: other.apiKey });
    expect([message.status, conversation.status, turn.status, turns.body.data]).toEqual([404, 404, 404, []]);
    expect(JSON.stringify([message.body, conversation.body, turn.body])).not.toContain('segredo');
    // A reaction or a quote can only name the sender's own messages.
    const reaction = await h.request('POST', `/api/whatsapp/${other.storeId}/messages`, { key: other.apiKey, body: { to: '+5511988887777', type: 'reaction', messageId: ids.messageId, emoji: '👍' } });
    expect(reaction.status).toBe(404);
  });

  it('under its own path, a store’s key finds none of another store’s CRM rows (404), and changes none', async () => {
    const owner = await h.services.stores.create('CRM owner', { actor: 'admin' });
    const other = await h.services.stores.create('CRM other', { actor: 'admin' });
    const ids = await seed(owner.storeId);
    const before = await snapshot(owner.storeId);
    const theirs = (await h.db.prisma.contact.create({ data: { storeId: other.storeId, name: 'Deles' } })).id;
    const calls: Array<[string, string, unknown?]> = [
      ['GET', `contacts/${ids.contactId}`],
      ['GET', `contacts/${ids.contactId}/profile`],
      ['PATCH', `contacts/${ids.contactId}`, { name: 'x' }],
      ['POST', `contacts/${ids.contactId}/merge`, { otherId: theirs }],
      ['POST', `contacts/${theirs}/merge`, { otherId: ids.contactId }],
      ['GET', `services/${ids.serviceId}`],
      ['PATCH', `services/${ids.serviceId}`, { name: 'x' }],
      ['DELETE', `services/${ids.serviceId}`],
      ['GET', `appointments/${ids.appointmentId}`],
      ['PATCH', `appointments/${ids.appointmentId}`, { notes: 'x' }],
      ['DELETE', `appointments/${ids.appointmentId}`],
      ['POST', 'appointments', { contactId: ids.contactId, startsAt: '2030-03-01T12:00:00.000Z', endsAt: '2030-03-01T12:30:00.000Z' }],
      ['POST', 'appointments', { contactId: theirs, serviceId: ids.serviceId, startsAt: '2030-03-01T12:00:00.000Z' }],
      ['POST', `conversations/${ids.conversationId}/close`],
      ['POST', `conversations/${ids.conversationId}/reopen`],
      ['POST', `conversations/${ids.conversationId}/read`],
      ['POST', `conversations/${ids.conversationId}/messages`, { text: 'oi' }],
    ];
    for (const [method, rest, body] of calls) {
      const r = await h.request(method, `/api/client/${other.storeId}/${rest}`, { key: other.apiKey, body });
      expect({ call: `${method} ${rest}`, status: r.status, leaked: JSON.stringify(r.body).includes('segredo') }).toEqual({ call: `${method} ${rest}`, status: 404, leaked: false });
    }
    const lists = ['contacts', 'services', 'appointments', 'conversations', 'inbox'];
    for (const list of lists) {
      const r = await h.request('GET', `/api/client/${other.storeId}/${list}`, { key: other.apiKey });
      const ownIds = r.body.data.map((x: { id?: string; conversationId?: string }) => x.id ?? x.conversationId);
      expect({ list, leaked: ownIds.filter((id: string) => Object.values(ids).includes(id)) }).toEqual({ list, leaked: [] });
    }
    expect(await snapshot(owner.storeId)).toEqual(before);
  });
});
