import { getAllBinaryNodeChildren, type BinaryNode } from '@whiskeysockets/baileys';
import type { Phone } from './phone.js';

/** What the client shows a contact: typing (`composing`), recording a voice note, or stopped (`paused`). */
export type ChatState = 'composing' | 'recording' | 'paused';

/** `<chatstate to=…><composing/></chatstate>` from the client: the contact it names sees it. */
export function routeClientChatState(node: BinaryNode, phone: Phone): void {
  const child = getAllBinaryNodeChildren(node)[0];
  if (!child || !node.attrs.to) return;
  const state: ChatState = child.tag === 'paused' ? 'paused' : child.attrs.media === 'audio' ? 'recording' : 'composing';
  phone.findContact(node.attrs.to)?.recordChatState({ state, at: Date.now() });
}
