// Evolution API compatibility: the part of Evolution's v2 HTTP API that existing clients (a
// dashboard linking tenants, n8n's Evolution node, Typebot/Chatwoot integrations) call, mapped onto
// Drin's own services — no second engine, no second store of state beyond the instance mapping.
import { Router } from 'express';
import type { ConversationsService } from '../../conversations/index.js';
import type { Db } from '../../db/prisma.js';
import type { MountRoutes } from '../../http/app.js';
import type { OutboundService } from '../../outbound/index.js';
import type { StoresService } from '../../stores/index.js';
import type { WebhooksService } from '../../webhooks/index.js';
import type { SessionsService } from '../../whatsapp/sessions/index.js';
import { createChatRepo } from './chat.repo.js';
import { evolutionChatRouter } from './chat.routes.js';
import { createEvolutionChat } from './chat.service.js';
import { createEvolutionAuth } from './evolution-auth.js';
import { evolutionErrorBody } from './evolution-errors.js';
import { renderEvolutionDelivery } from './evolution-payloads.js';
import { evolutionRouter } from './evolution.routes.js';
import { notImplemented } from './evolution-errors.js';
import { EVOLUTION_BASE } from './route-kit.js';
import { slotInstanceRouter } from './slot-instance.routes.js';
import { createInstancesRepo } from './instances.repo.js';
import { createInstancesService } from './instances.service.js';
import { createEvolutionMessages } from './messages.service.js';
import { createEvolutionWebhooks } from './webhook.service.js';

export interface EvolutionCompat {
  routes: MountRoutes;
  /** Errors under /evolution answer in Evolution's shape. */
  errorShape: { path: string; body: typeof evolutionErrorBody };
  /** The webhook worker's `evolution` payload format. */
  payloadFormat: { name: 'evolution'; render: typeof renderEvolutionDelivery };
}

export function createEvolutionCompat(deps: {
  db: Db;
  adminApiKey: string;
  tokenPepper: Buffer;
  maxSlots: number;
  stores: StoresService;
  sessions: SessionsService;
  outbound: OutboundService;
  webhooks: WebhooksService;
  conversations: ConversationsService;
}): EvolutionCompat {
  const repo = createInstancesRepo(deps.db);
  const webhooks = createEvolutionWebhooks({ webhooks: deps.webhooks });
  const instances = createInstancesService({ instances: repo, stores: deps.stores, sessions: deps.sessions, webhooks, tokenPepper: deps.tokenPepper, maxSlots: deps.maxSlots });
  const messages = createEvolutionMessages({ outbound: deps.outbound });
  const chat = createEvolutionChat({ outbound: deps.outbound, conversations: deps.conversations, chats: createChatRepo(deps.db) });
  const auth = createEvolutionAuth({ adminApiKey: deps.adminApiKey, tokenPepper: deps.tokenPepper, instances: repo });
  return {
    routes: (openapi) => {
      const router = Router();
      router.use(evolutionRouter({ auth, instances, messages, webhooks, openapi }));
      router.use(evolutionChatRouter({ auth, chat, openapi }));
      router.use(slotInstanceRouter({ instances, authorizeStore: deps.stores.authorize, maxSlots: deps.maxSlots, openapi }));
      // Whatever else is asked under /evolution: a 501 naming Drin's route.
      router.use(EVOLUTION_BASE, notImplemented);
      return router;
    },
    errorShape: { path: EVOLUTION_BASE, body: evolutionErrorBody },
    payloadFormat: { name: 'evolution', render: renderEvolutionDelivery },
  };
}
