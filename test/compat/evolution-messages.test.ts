// Evolution API compatibility, messages and webhooks: sendText with Evolution's body reaches a
// simulator contact through Drin's send queue; an inbound message reaches a loopback receiver
// registered with webhook/set as MESSAGES_UPSERT in Evolution's payload shape, per-event URLs
// when asked, and survives a receiver outage with a daemon restart in the middle.
import { describe, expect, it } from '@jest/globals';
import { waitForEvent } from '../support/daemon-harness.js';
import { eventually } from '../support/eventually.js';
import { scanQrImage } from '../support/qr-image.js';
import { useEvolutionDaemon } from './evolution-client.js';

// Evolution's clients check no signature: neither does this receiver.
const { suite, receiver, harness, evo, created, linked } = useEvolutionDaemon();

type EvolutionCall = { event: string; instance: string; data: any; date_time: string; apikey: unknown };
const bodyOf = (c: { body: unknown }) => c.body as unknown as EvolutionCall;

describe('Evolution API compatibility: messages and webhooks', () => {
  it('sendText with Evolution\'s body reaches the contact, answered with the message key it carries', async () => {
    const inst = await linked('loja-envio', '5511955550501');
    const contact = suite.sim.phone('5511955550501').contact('5511944440501');
    const sent = await evo('POST', '/message/sendText/loja-envio', inst.hash, { number: '5511944440501', text: 'Olá! Seu pedido saiu para entrega.', linkPreview: false });
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({
      key: { remoteJid: '5511944440501@s.whatsapp.net', fromMe: true, id: expect.any(String) },
      status: 'PENDING',
      message: { conversation: 'Olá! Seu pedido saiu para entrega.' },
      messageType: 'conversation',
      messageTimestamp: expect.any(Number),
      instanceId: inst.instance.instanceId,
    });
    const got = await contact.waitForText('Olá! Seu pedido saiu para entrega.', { timeoutMs: 60_000 });
    expect(got.id).toBe(sent.body.key.id);
  }, 120_000);

  it('sendMedia, sendWhatsAppAudio, sendLocation, sendContact, sendReaction and a quoted sendText reach the contact as WhatsApp messages of their kind', async () => {
    const inst = await linked('loja-midia', '5511955550505');
    const contact = suite.sim.phone('5511955550505').contact('5511944440505');
    const asked = await contact.sendText('me manda o cardápio?');
    await eventually(() => harness().db.pool.query('SELECT 1 FROM messages WHERE wa_message_id = $1', [asked]), (r) => r.rowCount === 1, 60_000);
    const send = async (name: string, body: Record<string, unknown>) => {
      const res = await evo('POST', `/message/${name}/loja-midia`, inst.hash, body);
      expect({ name, status: res.status }).toEqual({ name, status: 201 });
      const got = await contact.nextMessage({ timeoutMs: 60_000 });
      expect(got.id).toBe(res.body.key.id);
      return { answer: res.body, got: got.message };
    };
    const jpeg = Buffer.from('not really a jpeg, but bytes all the same').toString('base64');
    const image = await send('sendMedia', { number: '5511944440505', mediatype: 'image', mimetype: 'image/jpeg', caption: 'Cardápio', media: jpeg, fileName: 'cardapio.jpg' });
    expect(image.answer).toMatchObject({ messageType: 'imageMessage', message: { imageMessage: { caption: 'Cardápio' } } });
    expect(image.got.imageMessage).toMatchObject({ caption: 'Cardápio', mimetype: 'image/jpeg' });
    const doc = await send('sendMedia', { number: '5511944440505', mediatype: 'document', mimetype: 'application/pdf', caption: '', media: `data:application/pdf;base64,${jpeg}`, fileName: 'precos.pdf' });
    expect(doc.got.documentMessage ?? doc.got.documentWithCaptionMessage?.message?.documentMessage).toMatchObject({ fileName: 'precos.pdf' });
    const voice = await send('sendWhatsAppAudio', { number: '5511944440505', audio: jpeg });
    expect(voice.got.audioMessage).toMatchObject({ ptt: true });
    const pin = await send('sendLocation', { number: '5511944440505', latitude: -23.5614, longitude: -46.6559, name: 'Pizzaria', address: 'Av. Paulista, 1000' });
    expect(pin.got.locationMessage).toMatchObject({ degreesLatitude: -23.5614, degreesLongitude: -46.6559, name: 'Pizzaria' });
    const card = await send('sendContact', { number: '5511944440505', contact: [{ fullName: 'Entregas', wuid: '5511933330000', phoneNumber: '+55 11 93333-0000' }] });
    expect(card.got.contactMessage?.vcard).toContain('FN:Entregas');
    const quoted = await send('sendText', { number: '5511944440505', text: 'segue!', quoted: { key: { id: asked } } });
    expect(quoted.got.extendedTextMessage?.contextInfo?.stanzaId).toBe(asked);
    const reaction = await evo('POST', '/message/sendReaction/loja-midia', inst.hash, { key: { remoteJid: '5511944440505@s.whatsapp.net', fromMe: false, id: asked }, reaction: '👍' });
    expect(reaction.status).toBe(201);
    const reacted = await contact.nextMessage({ timeoutMs: 60_000 });
    expect(reacted.message.reactionMessage).toMatchObject({ text: '👍', key: expect.objectContaining({ id: asked }) });

    // What is not this instance's, or not media: 4xx in Evolution's shape, nothing queued.
    const before = (await harness().db.pool.query("SELECT count(*)::int AS n FROM messages WHERE direction = 'outbound'")).rows[0].n;
    for (const [name, body, status] of [
      ['sendReaction', { key: { remoteJid: '5511944440505@s.whatsapp.net', fromMe: false, id: 'NOT-A-MESSAGE' }, reaction: '👍' }, 404],
      ['sendText', { number: '5511944440505', text: 'x', quoted: { key: { id: 'NOT-A-MESSAGE' } } }, 404],
      ['sendMedia', { number: '5511944440505', mediatype: 'image', media: 'not base64 at all!' }, 400],
      ['sendMedia', { number: '5511944440505', mediatype: 'sticker', media: jpeg }, 400],
      ['sendLocation', { number: '5511944440505', latitude: 200, longitude: 0 }, 400],
      ['sendContact', { number: '5511944440505', contact: [] }, 400],
      ['sendContact', { number: '5511944440505', contact: [{ fullName: 'A', phoneNumber: '5511900000001' }, { fullName: 'B', phoneNumber: '5511900000002' }] }, 400],
    ] as const) {
      const res = await evo('POST', `/message/${name}/loja-midia`, inst.hash, body);
      expect({ name, body, status: res.status }).toEqual({ name, body, status });
      expect(res.body).toMatchObject({ status, response: { message: [expect.any(String)] } });
    }
    expect((await harness().db.pool.query("SELECT count(*)::int AS n FROM messages WHERE direction = 'outbound'")).rows[0].n).toBe(before);
  }, 180_000);

  it('an inbound message arrives as MESSAGES_UPSERT in Evolution\'s shape, and every one survives a receiver outage and a restart', async () => {
    const inst = await linked('loja-hook', '5511955550502');
    const set = await evo('POST', '/webhook/set/loja-hook', inst.hash, { webhook: { enabled: true, url: receiver.url, events: ['MESSAGES_UPSERT'], headers: { 'Content-Type': 'application/json', 'x-tenant': 't1' } } });
    expect(set.status).toBe(201);
    expect(set.body).toMatchObject({ url: receiver.url, enabled: true, events: ['MESSAGES_UPSERT'], webhookByEvents: false, instanceId: inst.instance.instanceId });
    expect((await evo('GET', '/webhook/find/loja-hook', inst.hash)).body).toMatchObject({ url: receiver.url, events: ['MESSAGES_UPSERT'], headers: { 'x-tenant': '(hidden)' } });

    const ana = suite.sim.phone('5511955550502').contact('5511944440502', { pushName: 'Ana' });
    const id = await ana.sendText('tem pizza de calabresa?');
    const call = await receiver.queue.take((c) => bodyOf(c)?.data?.key?.id === id, 'the messages.upsert call', 60_000);
    expect(bodyOf(call)).toMatchObject({
      event: 'messages.upsert',
      instance: 'loja-hook',
      data: {
        key: { remoteJid: expect.stringMatching(/@(s\.whatsapp\.net|lid)$/), fromMe: false, id },
        pushName: 'Ana',
        message: { conversation: 'tem pizza de calabresa?' },
        messageType: 'conversation',
        messageTimestamp: expect.any(Number),
        instanceId: inst.instance.instanceId,
      },
      date_time: expect.any(String),
      // Evolution puts the instance token here; Drin sends no secret in a payload.
      apikey: null,
    });
    expect(Math.abs(bodyOf(call).data.messageTimestamp - Date.now() / 1000)).toBeLessThan(600);
    expect(call.headers['x-tenant']).toBe('t1');
    expect(call.headers['webhook-id']).toEqual(expect.any(String));

    // The receiver goes down; messages keep coming; the daemon restarts; the receiver comes back.
    const texts = Array.from({ length: 6 }, (_, i) => `pedido ${i}`);
    await receiver.down();
    try {
      for (const t of texts.slice(0, 3)) await ana.sendText(t);
      await eventually(() => harness().db.prisma.webhookDelivery.findMany({ where: { webhookId: set.body.id } }), (d) => d.length === 4 && d.some((x) => x.lastError !== null), 120_000);
      await harness().stop();
      await harness().start();
      await waitForEvent(harness(), 'session.status', (e) => e.status === 'connected', 60_000);
      for (const t of texts.slice(3)) await ana.sendText(t);
      await eventually(() => harness().db.prisma.webhookDelivery.count({ where: { webhookId: set.body.id } }), (n) => n === 7, 120_000);
    } finally {
      await receiver.up();
    }
    const arrived = async () => receiver.calls.filter((c) => c.answered < 300 && bodyOf(c)?.instance === 'loja-hook').map((c) => bodyOf(c).data.message?.conversation as string);
    const got = await eventually(arrived, (t) => texts.every((x) => t.includes(x)), 180_000);
    expect(got.filter((t) => texts.includes(t))).toEqual(texts);
  }, 300_000);

  it('QRCODE_UPDATED carries a QR image that links the phone, CONNECTION_UPDATE says open, MESSAGES_UPDATE reports the contact reading a send', async () => {
    const made = await created('loja-eventos');
    const set = await evo('POST', '/webhook/set/loja-eventos', made.hash, { webhook: { enabled: true, url: receiver.url, events: ['QRCODE_UPDATED', 'CONNECTION_UPDATE', 'MESSAGES_UPDATE'] } });
    expect(set.status).toBe(201);
    const ofThis = (event: string) => (c: { body: unknown }) => bodyOf(c)?.instance === 'loja-eventos' && bodyOf(c).event === event;
    await evo('GET', '/instance/connect/loja-eventos', made.hash);
    // The dashboard may take the QR from the webhook instead of polling connect.
    const qr = await receiver.queue.take(ofThis('qrcode.updated'), 'qrcode.updated', 60_000);
    expect(bodyOf(qr).data.qrcode).toMatchObject({ instance: 'loja-eventos', code: expect.any(String), base64: expect.stringMatching(/^data:image\/png;base64,/) });
    await suite.sim.scanQr(scanQrImage(bodyOf(qr).data.qrcode.base64), { phone: '5511955550506' });
    const open = await receiver.queue.take((c) => ofThis('connection.update')(c) && bodyOf(c).data.state === 'open', 'connection.update open', 60_000);
    expect(bodyOf(open).data).toMatchObject({ instance: 'loja-eventos', state: 'open', wuid: '5511955550506@s.whatsapp.net' });

    const contact = suite.sim.phone('5511955550506').contact('5511944440506');
    const sent = await evo('POST', '/message/sendText/loja-eventos', made.hash, { number: '5511944440506', text: 'pode confirmar?' });
    const got = await contact.waitForText('pode confirmar?', { timeoutMs: 60_000 });
    contact.sendReceipt(got.id, 'read');
    const read = await receiver.queue.take((c) => ofThis('messages.update')(c) && bodyOf(c).data.status === 'READ', 'messages.update READ', 60_000);
    expect(bodyOf(read).data).toMatchObject({ keyId: sent.body.key.id, fromMe: true, status: 'READ', instanceId: made.instance.instanceId });
  }, 120_000);

  it('byEvents posts each event to its own path; events Drin never sends are kept but not delivered', async () => {
    const inst = await linked('loja-por-evento', '5511955550503');
    const set = await evo('POST', '/webhook/set/loja-por-evento', inst.hash, { webhook: { enabled: true, url: receiver.url, webhookByEvents: true, events: ['MESSAGES_UPSERT', 'GROUPS_UPSERT'] } });
    expect(set.body).toMatchObject({ webhookByEvents: true, events: ['MESSAGES_UPSERT', 'GROUPS_UPSERT'] });
    const beto = suite.sim.phone('5511955550503').contact('5511944440503');
    const id = await beto.sendText('oi');
    const call = await receiver.queue.take((c) => bodyOf(c)?.data?.key?.id === id, 'the per-event call', 60_000);
    expect(call.path).toBe('/hook/messages-upsert');
    // The hook is scoped to its instance's slot: an instance on the same store's slot 2 is another hook's business.
    const storeId = (await evo('GET', '/instance/fetchInstances', inst.hash)).body[0].drin.storeId as string;
    await linked('loja-por-evento-2', '5511955550504', { drin: { storeId, slot: 2 } });
    const other = suite.sim.phone('5511955550504').contact('5511944440504');
    const otherId = await other.sendText('not for slot 1');
    await eventually(() => harness().db.pool.query("SELECT 1 FROM messages WHERE wa_message_id = $1", [otherId]), (r) => r.rowCount === 1, 60_000);
    const again = await beto.sendText('oi de novo');
    await receiver.queue.take((c) => bodyOf(c)?.data?.key?.id === again, 'the next call of slot 1', 60_000);
    expect(receiver.calls.filter((c) => bodyOf(c)?.data?.key?.id === otherId)).toEqual([]);
  }, 120_000);
});
