// Media sends end to end: by URL (fetched by the daemon from a loopback server, allowed in this
// file) and by base64; the daemon encrypts and uploads to the simulator's media host with Baileys,
// the contact downloads and decrypts the very bytes.
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { useDaemonSuite } from '../support/daemon-harness.js';
import { eventually } from '../support/eventually.js';
import { linkSlot } from '../support/link-slot.js';

const ctx = useDaemonSuite({ env: { SEND_MEDIA_ALLOW_PRIVATE: 'true', SEND_MEDIA_MAX_BYTES: String(256 * 1024) } });
const IMAGE = randomBytes(20_000);
let files: http.Server;
let filesUrl: string;

beforeAll(async () => {
  files = http.createServer((req, res) => {
    if (req.url === '/cardapio.jpg') return res.writeHead(200, { 'content-type': 'image/jpeg' }).end(IMAGE);
    if (req.url === '/huge.bin') return res.writeHead(200).end(Buffer.alloc(300 * 1024));
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', () => resolve()));
  filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
});
afterAll(async () => {
  files.closeAllConnections();
  await new Promise((resolve) => files.close(resolve));
});

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('sending media', () => {
  it('an image by URL and a document by base64 arrive, and decrypt to the same bytes', async () => {
    const store = await ctx.h.createStore('Media Sender');
    await linkSlot(ctx.h, ctx.sim, store, 1, '5511955554001');
    const contact = ctx.sim.phone('5511955554001').contact('5511988884001');

    const image = await ctx.h.request('POST', `/api/whatsapp/${store.storeId}/messages`, {
      key: store.apiKey,
      body: { to: contact.pnJid, type: 'image', url: `${filesUrl}/cardapio.jpg`, caption: 'Cardápio de hoje' },
    });
    expect(image.status).toBe(202);
    const got = await contact.nextMessage({ timeoutMs: 30_000 });
    expect(got.message.imageMessage?.caption).toBe('Cardápio de hoje');
    expect(got.message.imageMessage?.mimetype).toBe('image/jpeg');
    expect(sha256(await contact.downloadMedia(got))).toBe(sha256(IMAGE));

    const pdf = randomBytes(5_000);
    const doc = await ctx.h.request('POST', `/api/whatsapp/${store.storeId}/messages`, {
      key: store.apiKey,
      body: { to: contact.pnJid, type: 'document', base64: pdf.toString('base64'), mimetype: 'application/pdf', fileName: 'orcamento.pdf' },
    });
    expect(doc.status).toBe(202);
    const gotDoc = await contact.nextMessage({ timeoutMs: 30_000 });
    expect(gotDoc.message.documentMessage?.fileName).toBe('orcamento.pdf');
    expect(sha256(await contact.downloadMedia(gotDoc))).toBe(sha256(pdf));

    // The bytes leave the queue once sent; the message keeps its protobuf.
    const sent = await eventually(() => ctx.h.db.prisma.outboundJob.findMany({ where: { storeId: store.storeId } }), (jobs) => jobs.every((j) => j.state === 'done'));
    expect(sent.map((j) => j.media)).toEqual([null, null]);
  });

  it('media over the cap or behind a failing URL is a 4xx, and nothing is written', async () => {
    const store = await ctx.h.createStore('Media Limits');
    await linkSlot(ctx.h, ctx.sim, store, 1, '5511955554002');
    const post = (body: unknown) => ctx.h.request('POST', `/api/whatsapp/${store.storeId}/messages`, { key: store.apiKey, body });
    const huge = await post({ to: '+5511988884002', type: 'document', url: `${filesUrl}/huge.bin`, fileName: 'x.bin' });
    expect([huge.status, huge.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(huge.body.error.message).toMatch(/limit/);
    const missing = await post({ to: '+5511988884002', type: 'image', url: `${filesUrl}/nope.jpg` });
    expect([missing.status, missing.body.error.message]).toEqual([400, 'the media URL answered 404']);
    const tooBig64 = await post({ to: '+5511988884002', type: 'image', base64: Buffer.alloc(300 * 1024).toString('base64'), mimetype: 'image/png' });
    expect(tooBig64.status).toBe(413);
    expect(await ctx.h.db.prisma.message.count({ where: { storeId: store.storeId } })).toBe(0);
  });
});
