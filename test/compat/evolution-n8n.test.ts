// The requests n8n's Evolution API node (oriondesign2015/n8n-nodes-evolution-api) makes for the
// instance, message and webhook operations, built exactly as its execute/ functions build them —
// the apikey header from the credential, the same paths, bodies and query strings — replayed
// against Drin with the simulator. Each answer must be one the node passes on as data.
import { describe, expect, it } from '@jest/globals';
import { ADMIN_KEY } from '../support/daemon-harness.js';
import { eventually } from '../support/eventually.js';
import { jsonRequest } from '../support/json-request.js';
import { scanQrImage } from '../support/qr-image.js';
import { useEvolutionDaemon } from './evolution-client.js';

const { suite, receiver, harness } = useEvolutionDaemon();

/** evolutionRequest(): `${serverUrl}${uri}` with the credential's apikey header, JSON in and out. */
const n8n = (apikey: string, method: string, uri: string, body?: unknown) =>
  jsonRequest(`${harness().daemon.url}/evolution`, method, uri, { body, headers: { apikey } });

describe("n8n's Evolution API node, replayed", () => {
  it('instance operations: create (with its options), connect, fetch, restart, logout, delete', async () => {
    // createInstanceBasic with token, number, instance settings and a webhook given.
    const token = 'n8n-chosen-token-0001';
    const create = await n8n(ADMIN_KEY, 'POST', '/instance/create', {
      instanceName: 'n8n-loja',
      integration: 'WHATSAPP-BAILEYS',
      token,
      number: '5511955550601',
      rejectCall: true,
      msgCall: 'Não atendemos ligações',
      groupsIgnore: true,
      alwaysOnline: false,
      readMessages: false,
      readStatus: false,
      syncFullHistory: false,
      webhook: { url: receiver.url, byEvents: false, base64: false, events: ['CONNECTION_UPDATE'] },
    });
    expect(create.status).toBe(201);
    expect(create.body).toMatchObject({ instance: { instanceName: 'n8n-loja', status: 'close' }, hash: token, webhook: { webhookUrl: receiver.url } });
    // The node's other create options Drin has no counterpart for are refused, not dropped.
    const chatwoot = await n8n(ADMIN_KEY, 'POST', '/instance/create', { instanceName: 'n8n-cw', integration: 'WHATSAPP-BAILEYS', chatwootAccountId: 1, chatwootToken: 't', chatwootUrl: 'https://cw.example', chatwootSignMsg: false });
    expect(chatwoot).toMatchObject({ status: 400, body: { response: { message: [expect.stringContaining('Chatwoot')] } } });
    const rabbit = await n8n(ADMIN_KEY, 'POST', '/instance/create', { instanceName: 'n8n-mq', integration: 'WHATSAPP-BAILEYS', rabbitmq: { enabled: true, events: [] } });
    expect(rabbit.status).toBe(400);

    // instanceConnect: GET /instance/connect/:name — the QR, scanned; the hook hears the link open.
    const connect = await n8n(token, 'GET', '/instance/connect/n8n-loja');
    expect(connect.status).toBe(200);
    const qr = connect.body.base64 ? connect.body : (await eventually(() => n8n(token, 'GET', '/instance/connect/n8n-loja'), (r) => typeof r.body?.base64 === 'string', 60_000)).body;
    await suite.sim.scanQr(scanQrImage(qr.base64), { phone: '5511955550601' });
    const open = await receiver.queue.take((c) => (c.body as any)?.event === 'connection.update' && (c.body as any).data.state === 'open', 'connection.update open', 60_000);
    expect(open.body).toMatchObject({ instance: 'n8n-loja', data: { instance: 'n8n-loja', state: 'open', statusReason: 200 } });
    expect((await n8n(token, 'GET', '/instance/connect/n8n-loja')).body).toEqual({ instance: { instanceName: 'n8n-loja', state: 'open' } });

    // fetchInstances: with and without ?instanceName=, by the global key and by the token.
    expect((await n8n(ADMIN_KEY, 'GET', '/instance/fetchInstances?instanceName=n8n-loja')).body).toEqual([expect.objectContaining({ name: 'n8n-loja', connectionStatus: 'open', ownerJid: '5511955550601@s.whatsapp.net' })]);
    expect((await n8n(token, 'GET', '/instance/fetchInstances')).body.map((i: { name: string }) => i.name)).toEqual(['n8n-loja']);

    // restartInstance: POST, back open from the saved session.
    const restart = await n8n(token, 'POST', '/instance/restart/n8n-loja');
    expect(restart.status).toBe(200);
    await eventually(async () => (await n8n(token, 'GET', '/instance/connectionState/n8n-loja')).body.instance.state, (s) => s === 'open', 60_000);

    // logoutInstance, then deleteInstance: DELETE each.
    expect((await n8n(token, 'DELETE', '/instance/logout/n8n-loja')).body).toEqual({ status: 'SUCCESS', error: false, response: { message: 'Instance logged out' } });
    expect((await n8n(ADMIN_KEY, 'DELETE', '/instance/delete/n8n-loja')).body).toEqual({ status: 'SUCCESS', error: false, response: { message: 'Instance deleted' } });
    expect((await n8n(ADMIN_KEY, 'GET', '/instance/fetchInstances?instanceName=n8n-loja')).status).toBe(404);
  }, 180_000);

  it('message and webhook operations: setWebhook, findWebhook, sendText with its options, sendImage, sendDocument, sendVideo, sendAudio, sendContact, sendReaction', async () => {
    const created = await n8n(ADMIN_KEY, 'POST', '/instance/create', { instanceName: 'n8n-envios', integration: 'WHATSAPP-BAILEYS' });
    expect(created.status).toBe(201);
    const token = created.body.hash as string;
    const connect = await eventually(() => n8n(token, 'GET', '/instance/connect/n8n-envios'), (r) => typeof r.body?.base64 === 'string', 60_000);
    await suite.sim.scanQr(scanQrImage(connect.body.base64), { phone: '5511955550602' });
    await eventually(async () => (await n8n(token, 'GET', '/instance/connectionState/n8n-envios')).body.instance.state, (s) => s === 'open', 60_000);
    const contact = suite.sim.phone('5511955550602').contact('5511944440602', { pushName: 'Cliente n8n' });

    // setWebhook / findWebhook, as the node names the flags.
    const set = await n8n(token, 'POST', '/webhook/set/n8n-envios', { webhook: { enabled: true, url: receiver.url, webhookByEvents: false, webhookBase64: false, events: ['MESSAGES_UPSERT', 'SEND_MESSAGE'] } });
    expect(set.status).toBe(201);
    expect((await n8n(token, 'GET', '/webhook/find/n8n-envios')).body).toMatchObject({ enabled: true, url: receiver.url, events: ['MESSAGES_UPSERT', 'SEND_MESSAGE'], webhookByEvents: false, webhookBase64: false });
    const inbound = await contact.sendText('quero fazer um pedido');
    const upsert = await receiver.queue.take((c) => (c.body as any)?.data?.key?.id === inbound, 'messages.upsert', 60_000);
    expect(upsert.body).toMatchObject({ event: 'messages.upsert', data: { pushName: 'Cliente n8n', message: { conversation: 'quero fazer um pedido' } } });

    const sendAndReceive = async (uri: string, body: Record<string, unknown>) => {
      const res = await n8n(token, 'POST', uri, body);
      expect({ uri, status: res.status }).toEqual({ uri, status: 201 });
      expect((await contact.nextMessage({ timeoutMs: 60_000 })).id).toBe(res.body.key.id);
      return res.body;
    };
    const remoteJid = '5511944440602';
    const media = Buffer.from('bytes of a file').toString('base64');
    // sendText with delay, linkPreview, a quote and mentions, as the node adds its options.
    await sendAndReceive('/message/sendText/n8n-envios', { number: remoteJid, text: 'Seu pedido foi recebido', delay: 1200, linkPreview: false, quoted: { key: { id: inbound } }, mentioned: ['5511944440602@s.whatsapp.net'] });
    await sendAndReceive('/message/sendText/n8n-envios', { number: remoteJid, text: 'Obrigado!', mentionsEveryOne: true });
    await sendAndReceive('/message/sendMedia/n8n-envios', { number: remoteJid, mediatype: 'image', media, mimetype: 'image/png', caption: '', fileName: 'foto.png' });
    await sendAndReceive('/message/sendMedia/n8n-envios', { number: remoteJid, media, mediatype: 'document', mimetype: 'application/pdf', caption: 'Nota fiscal', fileName: 'nota.pdf' });
    await sendAndReceive('/message/sendMedia/n8n-envios', { number: remoteJid, mediatype: 'video', media, mimetype: 'video/mp4', caption: 'Preparo', fileName: 'preparo.mp4' });
    await sendAndReceive('/message/sendWhatsAppAudio/n8n-envios', { number: remoteJid, audio: media, mimetype: 'audio/ogg', fileName: 'audio.ogg' });
    await sendAndReceive('/message/sendContact/n8n-envios', { number: remoteJid, contact: [{ fullName: 'Motoboy', wuid: '5511933330001', phoneNumber: '5511933330001' }] });
    await sendAndReceive('/message/sendReaction/n8n-envios', { key: { remoteJid: `${remoteJid}@s.whatsapp.net`, fromMe: false, id: inbound }, reaction: '✅' });
    // SEND_MESSAGE: what the instance sent, reported as Evolution does.
    const sent = await receiver.queue.take((c) => (c.body as any)?.event === 'send.message', 'send.message', 60_000);
    expect(sent.body).toMatchObject({ instance: 'n8n-envios', data: { key: { fromMe: true, id: expect.any(String) } } });
  }, 240_000);
});
