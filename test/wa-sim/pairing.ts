import { randomBytes, randomInt } from 'node:crypto';
import {
  Curve,
  getBinaryNodeChild,
  hmacSign,
  proto,
  WA_ADV_ACCOUNT_SIG_PREFIX,
  WA_ADV_DEVICE_SIG_PREFIX,
  type BinaryNode,
} from '@whiskeysockets/baileys';
import type { Account, AccountRegistry, LinkedDevice } from './accounts.js';
import type { SimConnection } from './connection.js';
import { DEFAULT_WAIT_MS } from './deadline.js';
import { STREAM_ERRORS } from './failures.js';

/** WhatsApp Web shows six QR codes per connection before the client gives up (408). */
export const DEFAULT_QR_REF_COUNT = 6;
const S_WHATSAPP_NET = 's.whatsapp.net';
const nowSeconds = () => `${Math.floor(Date.now() / 1000)}`;

export const newQrRef = (): string => `2@${randomBytes(24).toString('base64')}`;

/** `<iq type=set xmlns=md><pair-device><ref/>…</pair-device></iq>`: each ref becomes one QR. */
export function pairDeviceIq(connection: SimConnection, refs: string[]): BinaryNode {
  return {
    tag: 'iq',
    attrs: { from: S_WHATSAPP_NET, type: 'set', id: connection.newStanzaId(), xmlns: 'md' },
    content: [
      {
        tag: 'pair-device',
        attrs: {},
        content: refs.map((ref) => ({ tag: 'ref', attrs: {}, content: Buffer.from(ref) })),
      },
    ],
  };
}

export interface ScannedQr {
  ref: string;
  noisePublic: Buffer;
  identityPublic: Buffer;
  advSecret: Buffer;
}

/** Reads the string Baileys emits as `qr`: `[url#]ref,noiseKey,identityKey,advSecret,platform`. */
export function parseQr(qr: string): ScannedQr {
  const fields = qr.slice(qr.lastIndexOf('#') + 1).split(',');
  const [ref, noise, identity, adv] = fields;
  if (fields.length < 4 || !ref || !noise || !identity || !adv) throw new Error(`not a WhatsApp QR: "${qr}"`);
  return {
    ref,
    noisePublic: Buffer.from(noise, 'base64'),
    identityPublic: Buffer.from(identity, 'base64'),
    advSecret: Buffer.from(adv, 'base64'),
  };
}

/**
 * What the phone does once it trusts the companion (QR scanned or pairing code accepted): signs
 * the device into the account (ADV), sends pair-success, checks the client's counter-signature,
 * remembers the device, then asks the client to restart (515) and log in with its new identity.
 */
export async function linkDevice(
  connection: SimConnection,
  account: Account,
  registry: AccountRegistry,
  advSecret: Buffer,
  /** How long the client may take to counter-sign (its crypto queues behind others' on a busy machine). */
  answerTimeoutMs = DEFAULT_WAIT_MS,
): Promise<LinkedDevice> {
  const registration = connection.payload?.devicePairingData;
  if (!registration?.eIdent || !registration.eSkeyVal || !registration.eSkeySig || !connection.clientStaticPublic) {
    throw new Error('the connection did not register a companion');
  }
  const identityPublic = Buffer.from(registration.eIdent);
  const slot = account.reserveDeviceSlot();
  const deviceDetails = proto.ADVDeviceIdentity.encode({
    rawId: randomInt(1, 2 ** 31),
    timestamp: Math.floor(Date.now() / 1000),
    keyIndex: slot.keyIndex,
  }).finish();
  const accountSignature = Curve.sign(
    account.identity.private,
    Buffer.concat([WA_ADV_ACCOUNT_SIG_PREFIX, deviceDetails, identityPublic]),
  );
  const signedIdentity = proto.ADVSignedDeviceIdentity.encode({
    details: deviceDetails,
    accountSignatureKey: account.identity.public,
    accountSignature,
  }).finish();
  const deviceIdentity = proto.ADVSignedDeviceIdentityHMAC.encode({
    details: signedIdentity,
    hmac: hmacSign(signedIdentity, advSecret),
  }).finish();

  const answer = await connection.query({
    tag: 'iq',
    attrs: { from: S_WHATSAPP_NET, type: 'set', xmlns: 'md', t: nowSeconds() },
    content: [
      {
        tag: 'pair-success',
        attrs: {},
        content: [
          { tag: 'device-identity', attrs: {}, content: deviceIdentity },
          { tag: 'platform', attrs: { name: 'android' } },
          { tag: 'device', attrs: { jid: account.devicePnJid(slot.id), lid: account.deviceLidJid(slot.id) } },
        ],
      },
    ],
  }, answerTimeoutMs);
  assertDeviceCounterSigned(answer, deviceDetails, identityPublic, account);

  const device: LinkedDevice = {
    ...slot,
    noisePublic: connection.clientStaticPublic,
    identityPublic,
    registrationId: Buffer.from(registration.eRegid ?? []).readUIntBE(0, 4),
    signedPreKey: {
      id: Buffer.from(registration.eSkeyId ?? [0, 0, 1]).readUIntBE(0, 3),
      public: Buffer.from(registration.eSkeyVal),
      signature: Buffer.from(registration.eSkeySig),
    },
    preKeys: [],
  };
  account.devices.set(device.id, device);
  registry.changed();
  await connection.endWithStreamError(STREAM_ERRORS.restartRequired);
  return device;
}

/** The client answers pair-success with its own signature over the device identity. */
function assertDeviceCounterSigned(answer: BinaryNode, details: Uint8Array, identity: Buffer, account: Account) {
  const signedNode = getBinaryNodeChild(getBinaryNodeChild(answer, 'pair-device-sign'), 'device-identity');
  if (answer.attrs.type !== 'result' || !(signedNode?.content instanceof Uint8Array)) {
    throw new Error(`the client refused pair-success (${answer.attrs.type})`);
  }
  const { deviceSignature } = proto.ADVSignedDeviceIdentity.decode(signedNode.content);
  const message = Buffer.concat([WA_ADV_DEVICE_SIG_PREFIX, details, identity, account.identity.public]);
  if (!deviceSignature || !Curve.verify(identity, message, deviceSignature)) {
    throw new Error('the client signed pair-success with the wrong identity key');
  }
}
