// Evolution's send endpoints onto Drin's send queue: the same governor, limits, quiet hours and
// durable queue as every other send, from the instance's own slot. The answer is Evolution's
// (the message's key with the WhatsApp id it will carry, status PENDING), with Drin's id beside it.
import type { OutboundService, TSendRequest } from '../../outbound/index.js';
import type { TSendText } from './evolution.schemas.js';
import type { InstanceRow } from './instances.repo.js';

export function createEvolutionMessages(deps: { outbound: Pick<OutboundService, 'send' | 'message'> }) {
  async function queue(i: InstanceRow, request: TSendRequest, message: Record<string, unknown>, messageType: string) {
    const accepted = await deps.outbound.send(i.storeId, request);
    const stored = await deps.outbound.message(i.storeId, accepted.id);
    return {
      key: { remoteJid: accepted.to, fromMe: true, id: stored.waMessageId },
      pushName: '',
      status: 'PENDING' as const,
      message,
      messageType,
      messageTimestamp: Math.floor(new Date(stored.createdAt).getTime() / 1000),
      instanceId: i.instanceId,
      source: 'unknown',
      drin: { messageId: accepted.id, notBefore: accepted.notBefore, heldBy: accepted.heldBy },
    };
  }

  return {
    sendText: (i: InstanceRow, b: TSendText) =>
      queue(i, { type: 'text', to: b.number, slot: i.slot, text: b.text, ...(b.delay ? { options: { delay: b.delay } } : {}) }, { conversation: b.text }, 'conversation'),
  };
}

export type EvolutionMessages = ReturnType<typeof createEvolutionMessages>;
