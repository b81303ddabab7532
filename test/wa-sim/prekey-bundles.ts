import {
  encodeBigEndian,
  getBinaryNodeChild,
  getBinaryNodeChildBuffer,
  getBinaryNodeChildren,
  getBinaryNodeChildUInt,
  KEY_BUNDLE_TYPE,
  type BinaryNode,
} from '@whiskeysockets/baileys';
import type { LinkedDevice, UploadedPreKey, UploadedSignedPreKey } from './accounts.js';

/** What the server hands out so a peer can start a Signal session (X3DH) with a device. */
export interface PreKeyBundle {
  registrationId: number;
  identityPublic: Buffer;
  signedPreKey: UploadedSignedPreKey;
  preKey?: UploadedPreKey;
}

const toBuffer = (bytes: Uint8Array | undefined, what: string): Buffer => {
  if (!bytes) throw new Error(`pre-key upload without ${what}`);
  return Buffer.from(bytes);
};

export function parseSignedPreKey(node: BinaryNode | undefined): UploadedSignedPreKey {
  if (!node) throw new Error('pre-key upload without <skey>');
  return {
    id: getBinaryNodeChildUInt(node, 'id', 3) ?? 0,
    public: toBuffer(getBinaryNodeChildBuffer(node, 'value'), 'skey value'),
    signature: toBuffer(getBinaryNodeChildBuffer(node, 'signature'), 'skey signature'),
  };
}

/** Reads `<iq xmlns=encrypt type=set><registration/><type/><identity/><list/><skey/></iq>`. */
export function parsePreKeyUpload(iq: BinaryNode): Omit<PreKeyBundle, 'preKey'> & { preKeys: UploadedPreKey[] } {
  const preKeys = getBinaryNodeChildren(getBinaryNodeChild(iq, 'list'), 'key').map((key) => ({
    id: getBinaryNodeChildUInt(key, 'id', 3) ?? 0,
    public: toBuffer(getBinaryNodeChildBuffer(key, 'value'), 'key value'),
  }));
  return {
    registrationId: getBinaryNodeChildUInt(iq, 'registration', 4) ?? 0,
    identityPublic: toBuffer(getBinaryNodeChildBuffer(iq, 'identity'), 'identity'),
    signedPreKey: parseSignedPreKey(getBinaryNodeChild(iq, 'skey')),
    preKeys,
  };
}

/** Hands out a linked device's bundle, consuming one of its one-time pre-keys as the server does. */
export function takeDeviceBundle(device: LinkedDevice): PreKeyBundle {
  return {
    registrationId: device.registrationId,
    identityPublic: device.identityPublic,
    signedPreKey: device.signedPreKey,
    preKey: device.preKeys.shift(),
  };
}

/** `<user jid>` entry of an `encrypt get <key>` answer, as parseAndInjectE2ESessions reads it. */
export function bundleUserNode(jid: string, bundle: PreKeyBundle): BinaryNode {
  const keyNode = (tag: string, key: { id: number; public: Buffer }, extra: BinaryNode[] = []): BinaryNode => ({
    tag,
    attrs: {},
    content: [
      { tag: 'id', attrs: {}, content: encodeBigEndian(key.id, 3) },
      { tag: 'value', attrs: {}, content: key.public },
      ...extra,
    ],
  });
  const content: BinaryNode[] = [
    { tag: 'registration', attrs: {}, content: encodeBigEndian(bundle.registrationId) },
    { tag: 'type', attrs: {}, content: KEY_BUNDLE_TYPE },
    { tag: 'identity', attrs: {}, content: bundle.identityPublic },
    keyNode('skey', bundle.signedPreKey, [
      { tag: 'signature', attrs: {}, content: bundle.signedPreKey.signature },
    ]),
  ];
  if (bundle.preKey) content.push(keyNode('key', bundle.preKey));
  return { tag: 'user', attrs: { jid }, content };
}
