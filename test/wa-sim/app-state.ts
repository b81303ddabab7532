import { getBinaryNodeChild, getBinaryNodeChildren, type BinaryNode } from '@whiskeysockets/baileys';

/**
 * The answer to an app-state sync (`w:sync:app:state`): every asked collection at the version the
 * client already has, with no patches and nothing more to come. The simulator keeps no app state
 * (archived chats, labels…); an empty result instead would leave Baileys' resync loop asking for
 * ever (it drops a collection only once the server lists it without `has_more_patches`).
 */
export function answerAppStateSync(iq: BinaryNode): BinaryNode[] {
  const asked = getBinaryNodeChildren(getBinaryNodeChild(iq, 'sync'), 'collection');
  const collections = asked.map((c) => ({
    tag: 'collection',
    attrs: { name: c.attrs.name ?? '', version: c.attrs.version ?? '0' },
  }));
  return [{ tag: 'sync', attrs: {}, content: collections }];
}
