import { getBinaryNodeChild, getBinaryNodeChildren, jidDecode, type BinaryNode } from '@whiskeysockets/baileys';
import { answerAppStateSync } from './app-state.js';
import type { SimConnection } from './connection.js';
import { answerGroupIq, type SimGroup } from './groups.js';
import type { Phone } from './phone.js';
import { bundleUserNode, parsePreKeyUpload, parseSignedPreKey, type PreKeyBundle } from './prekey-bundles.js';
import { answerUsync } from './usync.js';

const firstChildTag = (node: BinaryNode): string | undefined =>
  Array.isArray(node.content) ? node.content[0]?.tag : undefined;

export function iqResult(iq: BinaryNode, content?: BinaryNode[]): BinaryNode {
  return { tag: 'iq', attrs: { id: iq.attrs.id ?? '', type: 'result', from: 's.whatsapp.net' }, content };
}

/**
 * Answers every iq a logged-in client sends. Anything not modelled gets an empty result, so no
 * client query ever waits for defaultQueryTimeoutMs.
 */
export async function answerLoggedInIq(iq: BinaryNode, connection: SimConnection, phone: Phone, groups: SimGroup[] = []): Promise<void> {
  const reply = (content?: BinaryNode[]) => connection.sendNode(iqResult(iq, content));
  const device = connection.device!;
  const child = firstChildTag(iq);
  if (iq.attrs.xmlns === 'w:g2') {
    const answer = answerGroupIq(iq, groups);
    if (!('error' in answer)) return reply(answer);
    return connection.sendNode({ ...iqResult(iq, [answer.error]), attrs: { ...iqResult(iq).attrs, type: 'error' } });
  }
  switch (`${iq.attrs.xmlns} ${child}`) {
    case 'encrypt count':
      return reply([{ tag: 'count', attrs: { value: `${device.preKeys.length}` } }]);
    case 'encrypt registration': {
      const upload = parsePreKeyUpload(iq);
      device.preKeys.push(...upload.preKeys);
      device.signedPreKey = upload.signedPreKey;
      phone.devicesChanged();
      return reply();
    }
    case 'encrypt rotate': {
      const skey = getBinaryNodeChild(getBinaryNodeChild(iq, 'rotate'), 'skey');
      if (skey) device.signedPreKey = parseSignedPreKey(skey);
      phone.devicesChanged();
      return reply();
    }
    case 'encrypt digest':
      return reply([{ tag: 'digest', attrs: {} }]);
    case 'encrypt key':
      return reply([{ tag: 'list', attrs: {}, content: await bundlesFor(iq, phone) }]);
    case 'passive active':
      reply();
      return phone.markReady(connection);
    case 'usync usync':
      return reply(answerUsync(iq, connection, phone));
    case 'w:sync:app:state sync':
      return reply(answerAppStateSync(iq));
    case 'blocklist undefined':
      return reply([{ tag: 'list', attrs: {} }]);
    case 'privacy privacy':
      return reply(iq.attrs.type === 'get' ? [{ tag: 'privacy', attrs: {}, content: PRIVACY_DEFAULTS }] : undefined);
    case 'abt props':
      return reply([{ tag: 'props', attrs: { protocol: '1' } }]);
    case 'w:m media_conn':
      return reply([phone.media.connNode()]);
    case 'md remove-companion-device':
      // the client logs itself out (sock.logout()); it closes with 401 on its own
      phone.unlink(device.id);
      return reply();
    default:
      return reply();
  }
}

/** `encrypt get <key><user jid/>…`: a bundle for each user the simulator can speak for. */
async function bundlesFor(iq: BinaryNode, phone: Phone): Promise<BinaryNode[]> {
  const users = getBinaryNodeChildren(getBinaryNodeChild(iq, 'key'), 'user');
  const answers: BinaryNode[] = [];
  for (const { attrs } of users) {
    const jid = attrs.jid ?? '';
    const decoded = jidDecode(jid);
    let bundle: PreKeyBundle | undefined;
    if (decoded?.user === phone.account.pn || decoded?.user === phone.account.lid) {
      bundle = decoded.device ? phone.takeBundle(decoded.device) : undefined;
    } else if (!decoded?.device) {
      bundle = await phone.findContact(jid)?.takeBundle();
    }
    if (bundle) answers.push(bundleUserNode(jid, bundle));
  }
  return answers;
}

/**
 * A new account's privacy settings, as WhatsApp answers `<privacy/>`: read receipts on for
 * everyone (Baileys then marks messages read with type "read", which reaches the sender, and not
 * "read-self", which only the account's own devices see).
 */
const PRIVACY_DEFAULTS = Object.entries({ readreceipts: 'all', last: 'all', online: 'all', profile: 'all', status: 'contacts', groupadd: 'all', calladd: 'all' }).map(
  ([name, value]) => ({ tag: 'category', attrs: { name, value } }),
);
