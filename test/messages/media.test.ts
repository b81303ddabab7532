// Inbound media end to end: a simulator contact sends an image, a voice note and a document to a
// linked slot (encrypted and uploaded to the simulator's media host as WhatsApp clients do); the
// daemon downloads, checks and keeps them, and serves the same bytes to the store's key only.
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { eventually } from '../support/eventually.js';
import { useDaemonSuite } from '../support/daemon-harness.js';
import { linkSlot } from '../support/link-slot.js';

const MAX_BYTES = 200_000;
const ctx = useDaemonSuite({ env: { MEDIA_MAX_BYTES: String(MAX_BYTES) } });
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');


async function getBytes(path: string, key?: string) {
  const response = await fetch(`${ctx.h.daemon.url}${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
  return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
}

describe('inbound media', () => {
  const PHONE = '5511955560101';
  let store: { storeId: string; apiKey: string };

  /** The conversation's messages once every one of `ids` has a final media status. */
  async function messagesWhenSettled(ids: string[]) {
    const rows = await eventually(
      () => ctx.h.db.prisma.message.findMany({ where: { storeId: store.storeId, waMessageId: { in: ids } } }),
      (r) => r.length === ids.length,
    );
    const conversationId = rows[0]?.conversationId;
    const read = async () =>
      conversationId ? (await ctx.h.request('GET', `/api/client/${store.storeId}/conversations/${conversationId}`, { key: store.apiKey })).body : null;
    const settled = (b: any) =>
      !!b && ids.every((id) => b.messages.some((m: any) => rows.find((r) => r.id === m.id)?.waMessageId === id && ['stored', 'failed', 'too_large'].includes(m.media?.status)));
    const page = await eventually(read, settled);
    expect(settled(page)).toBe(true);
    return (id: string) => page.messages.find((m: any) => m.id === rows.find((r) => r.waMessageId === id)!.id);
  }

  it('stores an image, a voice note and a document and serves the identical bytes to the store key only', async () => {
    store = await ctx.h.createStore('Media Store');
    await linkSlot(ctx.h, ctx.sim, store, 1, PHONE);
    const contact = ctx.sim.phone(PHONE).contact(undefined, { pushName: 'Rita' });
    const image = randomBytes(150_000);
    const voice = randomBytes(24_000);
    const pdf = randomBytes(70_001);
    const ids = [
      await contact.sendImage(image, { caption: 'this one', mimetype: 'image/jpeg' }),
      await contact.sendAudio(voice, { ptt: true, seconds: 5 }),
      await contact.sendDocument(pdf, { fileName: 'orcamento.pdf', mimetype: 'application/pdf' }),
    ];
    const view = await messagesWhenSettled(ids);

    const cases = [
      { id: ids[0]!, bytes: image, type: 'image', mimetype: 'image/jpeg' },
      { id: ids[1]!, bytes: voice, type: 'audio', mimetype: 'audio/ogg; codecs=opus' },
      { id: ids[2]!, bytes: pdf, type: 'document', mimetype: 'application/pdf' },
    ];
    for (const c of cases) {
      const message = view(c.id);
      expect(message).toMatchObject({ type: c.type, media: { status: 'stored', mimetype: c.mimetype, size: c.bytes.length, sha256: sha256(c.bytes) } });
      expect(message.mediaUrl).toBe(`/api/client/${store.storeId}/messages/${message.id}/media`);
      const served = await getBytes(message.mediaUrl, store.apiKey);
      expect(served.status).toBe(200);
      expect(sha256(served.body)).toBe(sha256(c.bytes));
      expect(served.headers.get('content-type')).toContain(c.mimetype.split(';')[0]);
      expect(served.headers.get('content-length')).toBe(String(c.bytes.length));
      expect(served.headers.get('x-content-sha256')).toBe(sha256(c.bytes));
      expect(served.headers.get('etag')).toBe(`"${sha256(c.bytes)}"`);
    }
    expect(view(ids[0]!).text).toBe('this one');
    expect(view(ids[2]!).metadata).toMatchObject({ fileName: 'orcamento.pdf' });

    const imagePath = view(ids[0]!).mediaUrl;
    const other = await ctx.h.createStore('Other Store');
    expect((await getBytes(imagePath, other.apiKey)).status).toBe(403);
    expect((await getBytes(imagePath.replace(store.storeId, other.storeId), other.apiKey)).status).toBe(404);
    expect((await getBytes(imagePath)).status).toBe(401);
    expect((await getBytes(`/api/client/${store.storeId}/messages/nosuchmessage/media`, store.apiKey)).status).toBe(404);
    const text = await contact.sendText('and a plain text');
    const textRow = await eventually(() => ctx.h.db.prisma.message.findFirst({ where: { storeId: store.storeId, waMessageId: text } }), (r) => r !== null);
    expect((await getBytes(`/api/client/${store.storeId}/messages/${textRow!.id}/media`, store.apiKey)).status).toBe(404);
  });

  it('keeps the message when the download fails (blob gone at the host) and when the media is over MEDIA_MAX_BYTES', async () => {
    const contact = ctx.sim.phone(PHONE).contact(undefined, { pushName: 'Caio' });
    const vanished = await contact.prepareMedia({ image: randomBytes(5_000), caption: 'gone', mimetype: 'image/png' });
    expect(ctx.sim.media.remove(vanished.imageMessage!.directPath!)).toBe(true);
    const goneId = await contact.sendMessage(vanished);
    const bigId = await contact.sendDocument(randomBytes(MAX_BYTES + 1), { fileName: 'huge.zip', mimetype: 'application/zip' });
    const view = await messagesWhenSettled([goneId, bigId]);

    expect(view(goneId)).toMatchObject({ type: 'image', text: 'gone', media: { status: 'failed', mimetype: 'image/png' }, mediaUrl: null });
    expect(view(bigId)).toMatchObject({ type: 'document', media: { status: 'too_large', size: MAX_BYTES + 1 }, mediaUrl: null });
    const gone = await getBytes(`/api/client/${store.storeId}/messages/${view(goneId).id}/media`, store.apiKey);
    expect(gone.status).toBe(404);
    expect(JSON.parse(gone.body.toString()).error.details).toEqual({ status: 'failed' });
  });
});
