// The other channels' public face (instagram, messenger, email, telegram… through the store's
// n8n): settings and webhook routes, the send queue and its worker.
//
// For the conversation messages route: `channels.queueChannelSend({ storeId, conversationId,
// text?, media? })` queues a message on a conversation whose channel is not WhatsApp and answers
// `{ id, status: 'queued' }` (404 unknown conversation; 409 a WhatsApp one, or the store's channel
// outbound URL or secret not set up). `ZChannelSendContent` is what it accepts.
import type { Db } from '../db/prisma.js';
import type { WriteEventsInTransaction } from '../events/committed-events.js';
import type { DomainEventBus } from '../events/event-bus.js';
import type { Logger } from 'pino';
import type { Keyring } from '../security/secret-box.js';
import { createChannelInboundRepo } from './channel-inbound.repo.js';
import { ChannelSendWorker } from './channel-send.worker.js';
import { createChannelSendsRepo } from './channel-sends.repo.js';
import { createChannelsRepo } from './channels.repo.js';
import { createChannelsService, type ChannelsService } from './channels.service.js';

export { channelsRouter } from './channels.routes.js';
export { createChannelsService, type ChannelsService, type QueueChannelSendInput } from './channels.service.js';
export { ChannelSendWorker } from './channel-send.worker.js';
/** `npm run secrets:rotate`: store channel secrets re-sealed under the current SECRETS_KEY. */
export { reencryptChannelSecrets, type ChannelSecretsReport } from './channel-secret-reencryption.repo.js';
export { ZChannelName, ZChannelSendContent, ZOutboundPayload, type TChannelSendContent } from './channels.schemas.js';

/** The domain wired over one database: what composition.ts calls. */
export function createChannels(deps: {
  db: Db;
  bus: DomainEventBus;
  keyring: Keyring;
  log: Logger;
  config: { allowPrivateUrls: boolean; scanIntervalMs: number; retryBaseMs: number; maxAttempts: number };
  /** The webhook outbox: the events of what an inbound delivery made, written with it. */
  writeEvents?: WriteEventsInTransaction;
}): ChannelsService {
  const { allowPrivateUrls } = deps.config;
  const worker = new ChannelSendWorker(createChannelSendsRepo(deps.db), deps.log, { keyring: deps.keyring, ...deps.config });
  return createChannelsService({ repo: createChannelsRepo(deps.db), inbound: createChannelInboundRepo(deps.db, deps.writeEvents), worker, bus: deps.bus, keyring: deps.keyring, allowPrivateUrls });
}
