// Evolution API compatibility, chat routes: whatsappNumbers asks the instance's slot; markMessageAsRead
// sends read receipts the contact receives and leaves the thread unread only after the message
// read; findMessages and findChats page through one slot's messages and chats in Evolution's
// shapes (another slot of the same store is another instance's). The instance token only, bad
// bodies in Evolution's error shape, and the requests n8n's Evolution node builds, replayed.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ADMIN_KEY, createDaemonHarness, type DaemonHarness } from '../support/daemon-harness.js';
import { eventually } from '../support/eventually.js';
import { jsonRequest } from '../support/json-request.js';
import { useSimulatorSuite } from '../wa-sim/simulator-suite.js';
import type { FakeContact } from '../wa-sim/fake-contact.js';
import { evolutionClient, type CreatedInstance } from './evolution-client.js';

const suite = useSimulatorSuite();
let h: DaemonHarness;
const { evo, linked } = evolutionClient(() => h, () => suite.sim);

const PHONE = '5511955550701';
const PHONE_2 = '5511955550702';
const pn = (digits: string) => `${digits}@s.whatsapp.net`;
let one: CreatedInstance;
let two: CreatedInstance;
let storeId: string;
const contact = (phone: string, digits: string, pushName: string) => suite.sim.phone(phone).contact(digits, { pushName });
let ana: FakeContact;
let beto: FakeContact;

/** Sent by a simulator contact and stored by Drin. */
async function stored(from: FakeContact, text: string): Promise<string> {
  const id = await from.sendText(text);
  await eventually(() => h.db.pool.query('SELECT 1 FROM messages WHERE wa_message_id = $1', [id]), (r) => r.rowCount === 1, 60_000);
  return id;
}

const unreadOf = async (digits: string) =>
  (await h.db.pool.query<{ unread: number }>("SELECT c.unread_count AS unread FROM conversations c JOIN contacts ct ON ct.id = c.contact_id WHERE ct.jid_pn = $1 AND c.status = 'open'", [pn(digits)])).rows[0]?.unread;

beforeAll(async () => {
  h = await createDaemonHarness(suite.sim);
  one = await linked('chat-loja', PHONE);
  storeId = (await evo('GET', '/instance/fetchInstances', one.hash)).body[0].drin.storeId;
  // The same store's slot 2 is another instance, with chats of its own.
  two = await linked('chat-loja-2', PHONE_2, { drin: { storeId, slot: 2 } });
  ana = contact(PHONE, '5511944440701', 'Ana');
  beto = contact(PHONE, '5511944440702', 'Beto');
}, 240_000);
afterAll(async () => {
  await h?.close();
});

describe('Evolution API compatibility: chat', () => {
  it('whatsappNumbers says which numbers are on WhatsApp, with the JID and the known contact\'s name', async () => {
    await stored(ana, 'oi');
    suite.sim.phone(PHONE).setNotOnWhatsApp(['5511988880799']);
    const res = await evo('POST', '/chat/whatsappNumbers/chat-loja', one.hash, { numbers: ['5511944440701', '+55 (11) 98888-0799'] });
    expect(res.status).toBe(200);
    expect(res.body).toEqual([
      { exists: true, jid: pn('5511944440701'), number: '5511944440701', name: 'Ana' },
      { exists: false, jid: pn('5511988880799'), number: '+55 (11) 98888-0799' },
    ]);
  }, 120_000);

  it('markMessageAsRead sends read receipts and leaves unread only what came after the message read', async () => {
    const dora = contact(PHONE, '5511944440703', 'Dora');
    const ids = [await stored(dora, 'bom dia'), await stored(dora, 'vocês abrem hoje?'), await stored(dora, 'até que horas?')];
    expect(await unreadOf('5511944440703')).toBe(3);
    const first = await evo('POST', '/chat/markMessageAsRead/chat-loja', one.hash, { readMessages: [{ remoteJid: pn('5511944440703'), fromMe: false, id: ids[1] }] });
    expect([first.status, first.body]).toEqual([201, { message: 'Read messages', read: 'success' }]);
    await dora.waitForClientReceipt(ids[1]!, { type: 'read', timeoutMs: 60_000 });
    expect(await unreadOf('5511944440703')).toBe(1);
    // An own message's key among them is nothing to read.
    const rest = await evo('POST', '/chat/markMessageAsRead/chat-loja', one.hash, { readMessages: [{ remoteJid: pn('5511944440703'), fromMe: false, id: ids[2] }, { remoteJid: pn('5511944440703'), fromMe: true, id: '3EB0AAAAAAAAAAAAAAAA' }] });
    expect(rest.status).toBe(201);
    await dora.waitForClientReceipt(ids[2]!, { type: 'read', timeoutMs: 60_000 });
    expect(await unreadOf('5511944440703')).toBe(0);
  }, 180_000);

  it('findMessages pages through the slot\'s messages newest first, by chat, WhatsApp id and direction', async () => {
    const pizza = await stored(ana, 'quero uma pizza');
    await stored(ana, 'de calabresa');
    const sent = await evo('POST', '/message/sendText/chat-loja', one.hash, { number: '5511944440701', text: 'Sai em 30 minutos' });
    expect(sent.status).toBe(201);
    await ana.waitForText('Sai em 30 minutos', { timeoutMs: 60_000 });
    await eventually(() => h.db.pool.query("SELECT 1 FROM message_status_events e JOIN messages m ON m.id = e.message_id WHERE m.wa_message_id = $1 AND e.status = 'sent'", [sent.body.key.id]), (r) => r.rowCount! > 0, 60_000);
    const caio = await stored(contact(PHONE_2, '5511944440704', 'Caio'), 'oi, loja 2');

    const find = (body: unknown, key = one.hash, name = 'chat-loja') => evo('POST', `/chat/findMessages/${name}`, key, body);
    const page1 = await find({ where: { key: { remoteJid: pn('5511944440701') } }, page: 1, offset: 2 });
    expect(page1.status).toBe(200);
    expect(page1.body.messages).toMatchObject({ total: 4, pages: 2, currentPage: 1 });
    const texts = (r: { body: any }) => r.body.messages.records.map((m: any) => m.message.conversation);
    expect(texts(page1)).toEqual(['Sai em 30 minutos', 'de calabresa']);
    const page2 = await find({ where: { key: { remoteJid: '5511944440701' } }, page: 2, offset: 2 });
    expect(texts(page2)).toEqual(['quero uma pizza', 'oi']);

    const byId = await find({ where: { key: { id: pizza } } });
    expect(byId.body.messages).toEqual({
      total: 1,
      pages: 1,
      currentPage: 1,
      records: [{
        id: expect.any(String),
        key: { remoteJid: expect.stringMatching(/@(s\.whatsapp\.net|lid)$/), fromMe: false, id: pizza },
        pushName: 'Ana',
        messageType: 'conversation',
        message: { conversation: 'quero uma pizza' },
        messageTimestamp: expect.any(Number),
        instanceId: one.instance.instanceId,
        source: 'unknown',
        MessageUpdate: [],
      }],
    });
    const mine = await find({ where: { key: { fromMe: true } } });
    expect(mine.body.messages.records).toEqual([
      expect.objectContaining({ key: { remoteJid: pn('5511944440701'), fromMe: true, id: sent.body.key.id }, pushName: null, MessageUpdate: expect.arrayContaining([{ status: 'SERVER_ACK' }]) }),
    ]);

    // No filter: the slot's every message, not slot 2's; slot 2's instance sees its own.
    const all = await find({});
    expect(all.body.messages).toMatchObject({ total: 7, currentPage: 1 });
    expect(all.body.messages.records.map((m: any) => m.key.id)).not.toContain(caio);
    expect(all.body.messages.records[0].key.id).toBe(sent.body.key.id);
    const other = await find({}, two.hash, 'chat-loja-2');
    expect(other.body.messages.records.map((m: any) => [m.key.id, m.instanceId])).toEqual([[caio, two.instance.instanceId]]);
  }, 180_000);

  it('findChats lists the slot\'s chats newest first with their last message and unread count', async () => {
    await stored(beto, 'tem entrega?');
    const chats = await evo('POST', '/chat/findChats/chat-loja', one.hash, {});
    expect(chats.status).toBe(200);
    // Newest first: WhatsApp's timestamps are whole seconds, so chats of one second may come in
    // either order; the order is checked as the times say, the chats as a set.
    const rows = chats.body.map((c: any) => [c.remoteJid, c.pushName, c.unreadCount]);
    expect(rows).toHaveLength(3);
    expect(rows).toEqual(expect.arrayContaining([[pn('5511944440702'), 'Beto', 1], [pn('5511944440701'), 'Ana', 0], [pn('5511944440703'), 'Dora', 0]]));
    const times = chats.body.map((c: any) => Date.parse(c.updatedAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(chats.body.find((c: any) => c.remoteJid === pn('5511944440702'))).toEqual({
      id: expect.any(String),
      remoteJid: pn('5511944440702'),
      pushName: 'Beto',
      profilePicUrl: null,
      updatedAt: expect.any(String),
      unreadCount: 1,
      isSaved: true,
      lastMessage: expect.objectContaining({ key: expect.objectContaining({ fromMe: false }), message: { conversation: 'tem entrega?' }, messageType: 'conversation', status: 'DELIVERY_ACK', instanceId: one.instance.instanceId }),
    });
    expect(chats.body.find((c: any) => c.remoteJid === pn('5511944440701')).lastMessage).toMatchObject({ key: { fromMe: true }, pushName: null, message: { conversation: 'Sai em 30 minutos' } });

    const ofAna = await evo('POST', '/chat/findChats/chat-loja', one.hash, { where: { remoteJid: '5511944440701' } });
    expect(ofAna.body.map((c: any) => c.pushName)).toEqual(['Ana']);
    // A page is a window on the same order (ties broken the same way every time).
    const page = await evo('POST', '/chat/findChats/chat-loja', one.hash, { take: 1, skip: 1 });
    expect(page.body.map((c: any) => c.remoteJid)).toEqual([chats.body[1].remoteJid]);
    const slot2 = await evo('POST', '/chat/findChats/chat-loja-2', two.hash, {});
    expect(slot2.body.map((c: any) => c.pushName)).toEqual(['Caio']);
  }, 120_000);

  it('takes the instance\'s own token only: another instance\'s and the global key get 403', async () => {
    const calls: [string, unknown][] = [
      ['/chat/whatsappNumbers/chat-loja', { numbers: ['5511944440701'] }],
      ['/chat/markMessageAsRead/chat-loja', { readMessages: [{ remoteJid: pn('5511944440701'), fromMe: false, id: 'X' }] }],
      ['/chat/findMessages/chat-loja', {}],
      ['/chat/findChats/chat-loja', {}],
    ];
    for (const [path, body] of calls) {
      for (const key of [two.hash, ADMIN_KEY]) {
        const res = await evo('POST', path, key, body);
        expect({ path, status: res.status, error: res.body.error }).toEqual({ path, status: 403, error: 'Forbidden' });
      }
      expect((await evo('POST', path, undefined, body)).status).toBe(401);
    }
  });

  it('refuses bad bodies with 400 in Evolution\'s error shape', async () => {
    const cases: [string, unknown][] = [
      ['whatsappNumbers', {}],
      ['whatsappNumbers', { numbers: '5511944440701' }],
      ['whatsappNumbers', { numbers: [] }],
      ['whatsappNumbers', { numbers: ['não é número'] }],
      ['markMessageAsRead', {}],
      ['markMessageAsRead', { readMessages: [] }],
      ['markMessageAsRead', { readMessages: [{ remoteJid: pn('5511944440701'), id: 'X' }] }],
      ['markMessageAsRead', { readMessages: [{ remoteJid: '120363000000000000@g.us', fromMe: false, id: 'X' }] }],
      ['findMessages', { page: 0 }],
      ['findMessages', { offset: 'ten' }],
      ['findMessages', { where: { key: { fromMe: 'yes' } } }],
      ['findChats', { where: { remoteJid: 5511944440701 } }],
      ['findChats', { take: -1 }],
    ];
    for (const [route, body] of cases) {
      const res = await evo('POST', `/chat/${route}/chat-loja`, one.hash, body);
      expect({ route, body, status: res.status }).toEqual({ route, body, status: 400 });
      expect(Object.keys(res.body).sort()).toEqual(['error', 'requestId', 'response', 'status']);
      expect(res.body).toMatchObject({ status: 400, error: 'Bad Request', response: { message: [expect.any(String)] }, requestId: res.headers.get('x-request-id') });
    }
    const group = await evo('POST', '/chat/markMessageAsRead/chat-loja', one.hash, { readMessages: [{ remoteJid: '120363000000000000@g.us', fromMe: false, id: 'X' }] });
    expect(group.body.response.message).toEqual([expect.stringContaining('no read receipts in groups')]);
  });
});

describe("n8n's Evolution API node, chat operations replayed", () => {
  /** evolutionRequest(): `${serverUrl}${uri}` with the credential's apikey header, a JSON body (json: true). */
  const n8n = (uri: string, body: unknown) => jsonRequest(`${h.daemon.url}/evolution`, 'POST', uri, { body, headers: { apikey: one.hash, 'content-type': 'application/json' } });
  /** The node's remoteJid parameter, as findMessages and findChats complete it. */
  const jidParam = (remoteJid: string) => (remoteJid.includes('@') ? remoteJid : `${remoteJid}@s.whatsapp.net`);

  it('check-number, read-messages, find-messages and find-chats', async () => {
    // checkNumber: the "numbers" parameter split on commas and trimmed.
    const numbersParam = '5511944440701, 5511988880799';
    const check = await n8n('/chat/whatsappNumbers/chat-loja', { numbers: numbersParam.split(',').map((n) => n.trim()) });
    expect(check.status).toBe(200);
    expect(check.body.map((n: any) => [n.number, n.exists])).toEqual([['5511944440701', true], ['5511988880799', false]]);

    // readMessages: one key from the remoteJid, fromMe and messageId parameters.
    const asked = await stored(beto, 'e o cardápio?');
    const read = await n8n('/chat/markMessageAsRead/chat-loja', { readMessages: [{ remoteJid: pn('5511944440702'), fromMe: false, id: asked }] });
    expect([read.status, read.body]).toEqual([201, { message: 'Read messages', read: 'success' }]);
    await beto.waitForClientReceipt(asked, { type: 'read', timeoutMs: 60_000 });
    expect(await unreadOf('5511944440702')).toBe(0);

    // findMessages: where.key.remoteJid completed with @s.whatsapp.net; page 1 and offset 10 by default.
    const messages = await n8n('/chat/findMessages/chat-loja', { where: { key: { remoteJid: jidParam('5511944440702') } }, page: 1, offset: 10 });
    expect(messages.status).toBe(200);
    expect(messages.body.messages).toMatchObject({ total: 2, pages: 1, currentPage: 1 });
    expect(messages.body.messages.records.map((m: any) => m.message.conversation)).toEqual(['e o cardápio?', 'tem entrega?']);

    // findChats: where.remoteJid completed, where.id the messageId parameter (empty by default), page and offset.
    const chats = await n8n('/chat/findChats/chat-loja', { where: { remoteJid: jidParam('5511944440701'), id: '' }, page: 1, offset: 10 });
    expect(chats.status).toBe(200);
    expect(chats.body).toEqual([expect.objectContaining({ remoteJid: pn('5511944440701'), pushName: 'Ana', unreadCount: 0, lastMessage: expect.objectContaining({ key: expect.objectContaining({ fromMe: true }) }) })]);
  }, 120_000);
});
