// An instance's Evolution webhook (webhook/set, webhook/find) as one of the store's Drin webhooks:
// scoped to the instance's slot, kept under a fixed id (one per instance, whatever the races),
// delivered by Drin's durable outbox with its retries and signature, its body rendered in
// Evolution's format (evolution-payloads.ts).
import { RESERVED_HEADER, type WebhookRow, type WebhooksService, type WebhookEventName } from '../../webhooks/index.js';
import { DELIVERED_EVENTS, type EvolutionFormatOptions } from './evolution-payloads.js';
import { EVOLUTION_EVENTS, type TEvolutionEvent, type TWebhookSettings } from './evolution.schemas.js';
import type { InstanceRow } from './instances.repo.js';

type Actor = { actor: 'admin' | 'store'; ip?: string; requestId: string };


export const webhookIdOf = (i: InstanceRow): string => `evo-${i.instanceId}`;

export function createEvolutionWebhooks(deps: { webhooks: Pick<WebhooksService, 'put' | 'find' | 'remove'> }) {
  return {
    async set(i: InstanceRow, w: TWebhookSettings, by: Actor) {
      // Evolution: enabled with no events means every event.
      const asked: TEvolutionEvent[] = w.enabled && w.events.length === 0 ? [...EVOLUTION_EVENTS] : [...new Set(w.events)];
      const events = [...new Set(asked.map((e) => DELIVERED_EVENTS[e]).filter((e): e is WebhookEventName => e !== undefined))];
      // Headers Drin sets itself are dropped: Evolution clients often repeat Content-Type in theirs.
      const headers = Object.fromEntries(Object.entries(w.headers ?? {}).filter(([name]) => !RESERVED_HEADER.test(name)));
      const options: EvolutionFormatOptions = { instanceName: i.name, instanceId: i.instanceId, byEvents: w.byEvents, base64: w.base64, events: asked };
      const row = await deps.webhooks.put(i.storeId, webhookIdOf(i), {
        url: w.url,
        // A hook must name an event: one that asked only for events Drin never sends stays off.
        events: events.length ? events : ['session.status'],
        headers: Object.keys(headers).length ? headers : null,
        active: w.enabled && events.length > 0,
        slot: i.slot,
        payloadFormat: 'evolution',
        formatOptions: { ...options },
      }, by);
      return view(i, row);
    },

    async find(i: InstanceRow) {
      const row = await deps.webhooks.find(i.storeId, webhookIdOf(i));
      return row ? view(i, row) : null;
    },

    async remove(i: InstanceRow, by: Actor): Promise<void> {
      if (await deps.webhooks.find(i.storeId, webhookIdOf(i))) await deps.webhooks.remove(i.storeId, webhookIdOf(i), by);
    },
  };
}

export type EvolutionWebhooks = ReturnType<typeof createEvolutionWebhooks>;

function view(i: InstanceRow, row: WebhookRow) {
  const o = row.formatOptions as unknown as EvolutionFormatOptions;
  return {
    id: row.id,
    url: row.url,
    enabled: row.active,
    events: o.events,
    webhookByEvents: o.byEvents,
    webhookBase64: o.base64,
    headers: Object.fromEntries(row.headerNames.map((n) => [n, '(hidden)'])),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    instanceId: i.instanceId,
  };
}
