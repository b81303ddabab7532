import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { downloadMediaMessage, type WAMessage } from '@whiskeysockets/baileys';
import { linkNewClient, type TestClient } from './index.js';
import { useSimulatorSuite } from './simulator-suite.js';

describe('wa-sim: media through the loopback media host', () => {
  const suite = useSimulatorSuite();
  const PHONE = '15550002000';
  let client: TestClient;
  const download = (message: WAMessage) => downloadMediaMessage(message, 'buffer', { options: suite.sim.media.fetchOptions });

  beforeAll(async () => {
    client = suite.track(await linkNewClient(suite.sim, PHONE, suite.sim.media.socketConfig()));
  });

  it('lets the client download a contact image, identical, with its caption', async () => {
    const alice = suite.sim.phone(PHONE).contact('15551240001');
    const bytes = randomBytes(150_000);
    const id = await alice.sendImage(bytes, { caption: 'our menu', mimetype: 'image/png' });
    const received = await client.waitForMessage((m) => m.key.id === id);
    const image = received.message?.imageMessage;
    expect(image).toMatchObject({ caption: 'our menu', mimetype: 'image/png' });
    expect(image?.url).toMatch(/^https:\/\/mmg\.whatsapp\.net\/v\//);
    expect(Number(image?.fileLength)).toBe(bytes.length);
    expect((await download(received)).equals(bytes)).toBe(true);
  });

  it('lets the client download a voice note and a document, identical', async () => {
    const bob = suite.sim.phone(PHONE).contact('15551240002');
    const voice = randomBytes(20_000);
    const voiceId = await bob.sendAudio(voice, { ptt: true, seconds: 4 });
    const pdf = randomBytes(70_001);
    const pdfId = await bob.sendDocument(pdf, { fileName: 'invoice.pdf', mimetype: 'application/pdf' });

    const voiceMessage = await client.waitForMessage((m) => m.key.id === voiceId);
    expect(voiceMessage.message?.audioMessage).toMatchObject({ ptt: true, seconds: 4, mimetype: 'audio/ogg; codecs=opus' });
    expect((await download(voiceMessage)).equals(voice)).toBe(true);
    const pdfMessage = await client.waitForMessage((m) => m.key.id === pdfId);
    expect(pdfMessage.message?.documentMessage).toMatchObject({ fileName: 'invoice.pdf', mimetype: 'application/pdf' });
    expect((await download(pdfMessage)).equals(pdf)).toBe(true);
  });

  it('stores only ciphertext: the blob is not the plaintext and a removed blob is a 404', async () => {
    const carol = suite.sim.phone(PHONE).contact('15551240003');
    const bytes = randomBytes(4_096);
    const id = await carol.sendImage(bytes);
    const received = await client.waitForMessage((m) => m.key.id === id);
    const directPath = received.message!.imageMessage!.directPath!;
    const blob = suite.sim.media.blob(directPath)!;
    expect(blob.length).toBeGreaterThan(bytes.length); // padding + 10-byte MAC
    expect(blob.includes(bytes.subarray(0, 64))).toBe(false);

    expect(suite.sim.media.remove(directPath)).toBe(true);
    await expect(download(received)).rejects.toMatchObject({ output: { statusCode: 404 } });
  });

  it('takes the client upload of sock.sendMessage({ image }) and the contact gets the same bytes', async () => {
    const dave = suite.sim.phone(PHONE).contact('15551240004');
    const bytes = randomBytes(60_000);
    const uploadsBefore = suite.sim.media.uploads();
    const sent = await client.sock.sendMessage(dave.pnJid, { image: bytes, caption: 'your order' });
    const received = await dave.nextMessage();
    expect(received.id).toBe(sent?.key.id);
    expect(received.message.imageMessage?.caption).toBe('your order');
    expect(suite.sim.media.uploads()).toBe(uploadsBefore + 1);
    expect((await dave.downloadMedia(received)).equals(bytes)).toBe(true);
  });

  it('takes a client document upload too', async () => {
    const erin = suite.sim.phone(PHONE).contact('15551240005');
    const bytes = randomBytes(33_333);
    await client.sock.sendMessage(erin.lidJid, { document: bytes, mimetype: 'text/csv', fileName: 'stock.csv' });
    const received = await erin.nextMessage();
    expect(received.message.documentMessage).toMatchObject({ fileName: 'stock.csv', mimetype: 'text/csv' });
    expect((await erin.downloadMedia(received)).equals(bytes)).toBe(true);
  });
});
