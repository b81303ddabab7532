// Evolution's instance lifecycle over Drin's own services: an instance is one slot of one store,
// so create makes the store (or takes an admin's) and the mapping row, connect is the slot's
// start and QR, logout the slot's logout, delete the mapping (and the store it made). No state of
// its own beyond the mapping: status and QR are the slot's, served by any process.
import { randomUUID } from 'node:crypto';
import { AppError, ErrorCode, toSlotRef, type SlotRef } from '../../kernel/index.js';
import { generateCredential } from '../../security/secrets.js';
import type { StoresService } from '../../stores/index.js';
import type { SessionsService, TSlotView } from '../../whatsapp/sessions/index.js';
import { tokenHashOf, type EvolutionCaller } from './evolution-auth.js';
import { stateOf } from './evolution-payloads.js';
import type { TInstanceCreate, ZInstanceInfo, ZQrCode } from './evolution.schemas.js';
import type { InstanceRow, InstancesRepo } from './instances.repo.js';
import type { EvolutionWebhooks } from './webhook.service.js';
import type { z } from 'zod';

export type AuditActor = { actor: 'admin' | 'store'; ip?: string; requestId: string; userAgent?: string };

const INTEGRATION = 'WHATSAPP-BAILEYS';
export const instanceNotFound = (name: string) => new AppError(ErrorCode.NOT_FOUND, `The "${name}" instance does not exist`);

export function createInstancesService(deps: {
  instances: InstancesRepo;
  stores: Pick<StoresService, 'create' | 'get' | 'remove'>;
  sessions: Pick<SessionsService, 'get' | 'start' | 'qr' | 'pairingCode' | 'restart' | 'logout'>;
  webhooks: EvolutionWebhooks;
  tokenPepper: Buffer;
  maxSlots: number;
}) {
  const { instances, sessions } = deps;

  async function find(name: string): Promise<InstanceRow> {
    const row = await instances.byName(name);
    if (!row) throw instanceNotFound(name);
    return row;
  }

  /** The QR (and pairing code) of a slot that is waiting for one; nulls when it is not. */
  async function qrOf(ref: SlotRef, pairingCode: string | null): Promise<z.infer<typeof ZQrCode>> {
    const qr = await sessions.qr(ref).catch(() => null);
    return { pairingCode, code: qr?.qr ?? null, base64: qr?.qrCode ?? null, count: qr ? 1 : 0 };
  }

  /** Starts the slot unless it runs, then answers its QR (with a pairing code for `number`). */
  async function connect(ref: SlotRef, number: string | undefined, by: AuditActor): Promise<z.infer<typeof ZQrCode>> {
    const started = await sessions.start(ref, by);
    const pairing = number && started.status === 'qrcode' ? (await sessions.pairingCode(ref, number, by)).code : null;
    return qrOf(ref, pairing);
  }

  async function placement(input: TInstanceCreate, by: AuditActor): Promise<{ storeId: string; slot: number; ownsStore: boolean }> {
    if (!input.drin) return { storeId: (await deps.stores.create(input.instanceName, by)).storeId, slot: 1, ownsStore: true };
    await deps.stores.get(input.drin.storeId);
    const taken = new Set(await instances.slotsOf(input.drin.storeId));
    const slot = input.drin.slot ?? Array.from({ length: deps.maxSlots }, (_, i) => i + 1).find((s) => !taken.has(s));
    if (slot === undefined || slot > deps.maxSlots) throw new AppError(ErrorCode.CONFLICT, `The store has no free slot (MAX_SLOTS is ${deps.maxSlots})`);
    if (taken.has(slot)) throw new AppError(ErrorCode.CONFLICT, `Slot ${slot} of this store already is an instance`);
    return { storeId: input.drin.storeId, slot, ownsStore: false };
  }

  /** The mapping row; a store made for it is removed again when the row loses a race (name, slot or token). */
  async function register(name: string, asked: string | undefined, place: { storeId: string; slot: number; ownsStore: boolean }, by: AuditActor) {
    const token = asked ?? generateCredential('evo');
    const row = await instances.insert({
      name, instanceId: randomUUID(), storeId: place.storeId, slot: place.slot,
      tokenHash: tokenHashOf(deps.tokenPepper, token), ownsStore: place.ownsStore, integration: INTEGRATION,
    }, by);
    if (row) return { row, token };
    if (place.ownsStore) await deps.stores.remove(place.storeId, by);
    throw new AppError(ErrorCode.FORBIDDEN, `This name "${name}" (or this token, or this slot) is already in use.`);
  }

  function info(i: InstanceRow, view: TSlotView): z.infer<typeof ZInstanceInfo> {
    return {
      id: i.instanceId,
      name: i.name,
      connectionStatus: stateOf(view.status),
      ownerJid: view.jid ?? null,
      profileName: null,
      profilePicUrl: null,
      integration: i.integration,
      number: view.phone ?? null,
      token: null,
      clientName: 'drin',
      disconnectionReasonCode: null,
      disconnectionObject: view.lastError ?? null,
      disconnectionAt: null,
      createdAt: i.createdAt.toISOString(),
      updatedAt: view.updatedAt,
      drin: { storeId: i.storeId, slot: i.slot, status: view.status },
    };
  }

  return {
    find,

    async create(input: TInstanceCreate, by: AuditActor) {
      if (input.integration !== INTEGRATION) throw new AppError(ErrorCode.BAD_REQUEST, `Invalid integration: Drin runs ${INTEGRATION} only`);
      if (input.chatwootUrl) throw new AppError(ErrorCode.BAD_REQUEST, 'Drin has no Chatwoot integration: take its events by webhook (webhook/set)');
      if (input.proxyHost) throw new AppError(ErrorCode.BAD_REQUEST, 'Drin connects without a per-instance proxy');
      const queue = (['rabbitmq', 'sqs', 'websocket', 'nats'] as const).find((q) => input[q]?.enabled);
      if (queue) throw new AppError(ErrorCode.BAD_REQUEST, `Drin has no ${queue} delivery: its events go by webhook (webhook/set), durable and retried`);
      if (await instances.byName(input.instanceName)) throw new AppError(ErrorCode.FORBIDDEN, `This name "${input.instanceName}" is already in use.`);
      const place = await placement(input, by);
      const { row, token } = await register(input.instanceName, input.token, place, by);
      if (input.webhook) {
        // A webhook refused (say, a private address) leaves no instance behind.
        await deps.webhooks.set(row, input.webhook, by).catch(async (err: unknown) => {
          await (row.ownsStore ? deps.stores.remove(row.storeId, by) : instances.remove(row, by));
          throw err;
        });
      }
      const qrcode = input.qrcode ? await connect(toSlotRef(row), input.number, by) : undefined;
      const view = await sessions.get(toSlotRef(row));
      return {
        instance: { instanceName: row.name, instanceId: row.instanceId, integration: row.integration, status: stateOf(view.status) },
        hash: token,
        webhook: { webhookUrl: input.webhook?.url ?? null, webhookByEvents: input.webhook?.byEvents ?? false, webhookBase64: input.webhook?.base64 ?? false },
        settings: { rejectCall: false, msgCall: '', groupsIgnore: false, alwaysOnline: false, readMessages: false, readStatus: false, syncFullHistory: false },
        ...(qrcode ? { qrcode } : {}),
      };
    },

    /** Drin's own API: a store names one of its slots as an instance (its token shown once). */
    async nameSlot(ref: SlotRef, input: { instanceName: string; token?: string }, by: AuditActor) {
      if (await instances.byName(input.instanceName)) throw new AppError(ErrorCode.CONFLICT, `The instance name "${input.instanceName}" is taken`);
      if (await instances.bySlot(ref.storeId, ref.slot)) throw new AppError(ErrorCode.CONFLICT, `Slot ${ref.slot} already is an instance; delete that name first`);
      const { row, token } = await register(input.instanceName, input.token, { ...ref, ownsStore: false }, by).catch((err: unknown) => {
        throw err instanceof AppError && err.code === ErrorCode.FORBIDDEN ? new AppError(ErrorCode.CONFLICT, err.message) : err;
      });
      return { instanceName: row.name, instanceId: row.instanceId, slot: row.slot, token };
    },

    /** The slot stops answering Evolution calls: its mapping and Evolution webhook go, the link stays. */
    async unnameSlot(ref: SlotRef, by: AuditActor): Promise<void> {
      const i = await instances.bySlot(ref.storeId, ref.slot);
      if (!i) throw new AppError(ErrorCode.NOT_FOUND, `Slot ${ref.slot} is no Evolution instance`);
      await deps.webhooks.remove(i, by);
      await instances.remove(i, by);
    },

    /** Open: its state. Otherwise the slot starts (if it was not running) and its QR is the answer. */
    async connect(name: string, number: string | undefined, by: AuditActor) {
      const i = await find(name);
      const view = await sessions.get(toSlotRef(i));
      if (view.status === 'connected') return { instance: { instanceName: i.name, state: 'open' as const } };
      return connect(toSlotRef(i), number, by);
    },

    async state(name: string) {
      const i = await find(name);
      return { instance: { instanceName: i.name, state: stateOf((await sessions.get(toSlotRef(i))).status) } };
    },

    /** The global key: every instance (or the one asked for); an instance token: its own. */
    async fetch(caller: EvolutionCaller, q: { instanceName?: string; instanceId?: string }) {
      const own = caller.kind === 'instance' ? caller.instance : undefined;
      if (own && ((q.instanceName && q.instanceName !== own.name) || (q.instanceId && q.instanceId !== own.instanceId))) {
        throw new AppError(ErrorCode.FORBIDDEN, 'This token belongs to another instance');
      }
      const rows = own ? [own] : await instances.list(q);
      if ((q.instanceName || q.instanceId) && rows.length === 0) throw instanceNotFound(q.instanceName ?? q.instanceId!);
      return Promise.all(rows.map(async (i) => info(i, await sessions.get(toSlotRef(i)))));
    },

    async restart(name: string, by: AuditActor) {
      const i = await find(name);
      const status = await sessions.restart(toSlotRef(i), by);
      return { instance: { instanceName: i.name, state: stateOf(status) } };
    },

    async logout(name: string, by: AuditActor) {
      const i = await find(name);
      if (stateOf((await sessions.get(toSlotRef(i))).status) === 'close') throw new AppError(ErrorCode.BAD_REQUEST, `The "${name}" instance is not connected`);
      await sessions.logout(toSlotRef(i), by);
      return { status: 'SUCCESS' as const, error: false as const, response: { message: 'Instance logged out' } };
    },

    /**
     * Unlinks the slot (logged out where connected, its auth wiped) and forgets the instance: a
     * store the adapter made for it goes with everything it holds, as Evolution drops an
     * instance's data; an admin's store keeps its data and its other slots.
     */
    async remove(name: string, by: AuditActor) {
      const i = await find(name);
      if (i.ownsStore) {
        await deps.stores.remove(i.storeId, by);
      } else {
        await sessions.logout(toSlotRef(i), by);
        await deps.webhooks.remove(i, by);
        await instances.remove(i, by);
      }
      return { status: 'SUCCESS' as const, error: false as const, response: { message: 'Instance deleted' } };
    },
  };
}

export type InstancesService = ReturnType<typeof createInstancesService>;
