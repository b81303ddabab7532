// Bad sends are refused before anything is written: a 4xx in the one error shape naming the field.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startAppHarness, type AppHarness } from '../support/app-harness.js';

let h: AppHarness;
beforeAll(async () => {
  h = await startAppHarness();
});
afterAll(async () => h?.close());

const text = { to: '+5511988887777', type: 'text', text: 'oi' };
const image = { to: '+5511988887777', type: 'image', mimetype: 'image/png' };

const BAD: Array<[string, unknown]> = [
  ['no type', { to: '+5511988887777', text: 'oi' }],
  ['unknown type', { ...text, type: 'sticker' }],
  ['empty text', { ...text, text: '' }],
  ['huge text', { ...text, text: 'x'.repeat(4097) }],
  ['text as number', { ...text, text: 42 }],
  ['unknown field', { ...text, priority: 'high' }],
  ['unknown option', { ...text, options: { retry: true } }],
  ['negative delay', { ...text, options: { delay: -1 } }],
  ['delay over 5 min', { ...text, options: { delay: 300_001 } }],
  ['bad phone', { ...text, to: '+1------' }],
  ['words for a phone', { ...text, to: 'ligue pra mim' }],
  ['a group', { ...text, to: '120363000000000000@g.us' }],
  ['a made-up jid', { ...text, to: 'abc@s.whatsapp.net' }],
  ['slot 0', { ...text, slot: 0 }],
  ['slot 11', { ...text, slot: 11 }],
  ['slot above MAX_SLOTS', { ...text, slot: 4 }],
  ['slot as text', { ...text, slot: '1' }],
  ['media with neither url nor base64', image],
  ['media with both', { ...image, url: 'https://example.com/a.png', base64: 'aGk=' }],
  ['bad base64', { ...image, base64: '***' }],
  ['ftp url', { ...image, url: 'ftp://example.com/a.png' }],
  ['bad mimetype', { ...image, base64: 'aGk=', mimetype: 'png' }],
  ['latitude 91', { to: '+5511988887777', type: 'location', latitude: 91, longitude: 0 }],
  ['contact without phone', { to: '+5511988887777', type: 'contact', contact: { name: 'Ana' } }],
  ['reaction to a bad id', { to: '+5511988887777', type: 'reaction', messageId: '../x', emoji: '👍' }],
  ['long emoji', { to: '+5511988887777', type: 'reaction', messageId: 'abc', emoji: 'x'.repeat(17) }],
  ['an array', [text]],
];

describe('POST /api/whatsapp/:storeId/messages with bad input', () => {
  it.each(BAD)('%s → 400 in the error shape, nothing written', async (_label, body) => {
    const store = await h.services.stores.create('Validation', { actor: 'admin' });
    const res = await h.request('POST', `/api/whatsapp/${store.storeId}/messages`, { key: store.apiKey, body });
    expect(res.status).toBe(400);
    expect(Object.keys(res.body)).toEqual(['error']);
    expect(res.body.error).toEqual(expect.objectContaining({ code: 'VALIDATION_FAILED', message: expect.any(String), requestId: expect.any(String) }));
    expect(await h.db.prisma.message.count({ where: { storeId: store.storeId } })).toBe(0);
    expect(await h.db.prisma.contact.count({ where: { storeId: store.storeId } })).toBe(0);
  });

  it('GET a message by a malformed or unknown id → 400 / 404', async () => {
    const store = await h.services.stores.create('Reader', { actor: 'admin' });
    expect((await h.request('GET', `/api/whatsapp/${store.storeId}/messages/${encodeURIComponent('a b')}`, { key: store.apiKey })).status).toBe(400);
    expect((await h.request('GET', `/api/whatsapp/${store.storeId}/messages/nosuchmessage`, { key: store.apiKey })).status).toBe(404);
  });
});
