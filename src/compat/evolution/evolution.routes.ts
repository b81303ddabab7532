// The Evolution API v2 instance, message and webhook routes, under /evolution (an Evolution
// client's base URL becomes https://<drin>/evolution). Thin: check the apikey, parse, call one
// service, answer in Evolution's shape.
import { Router } from 'express';
import type { z } from 'zod';
import type { OpenApiRegistry } from '../../http/openapi.js';
import { parseBody, parseQuery } from '../../http/validate.js';
import { callerOf, type EvolutionAuth } from './evolution-auth.js';
import {
  ZConnectionState,
  ZConnectQuery,
  ZFetchQuery,
  ZInstanceCreate,
  ZInstanceCreated,
  ZInstanceInfo,
  ZInstanceParams,
  ZQrCode,
  ZSendAudio,
  ZSendContact,
  ZSendLocation,
  ZSendMedia,
  ZSendReaction,
  ZSendText,
  ZSentMessage,
  ZSuccess,
  ZWebhookFound,
  ZWebhookSet,
} from './evolution.schemas.js';
import type { InstanceRow } from './instances.repo.js';
import type { InstancesService } from './instances.service.js';
import type { EvolutionMessages } from './messages.service.js';
import { routeKit } from './route-kit.js';
import type { EvolutionWebhooks } from './webhook.service.js';

export function evolutionRouter(deps: { auth: EvolutionAuth; instances: InstancesService; messages: EvolutionMessages; webhooks: EvolutionWebhooks; openapi: OpenApiRegistry }): Router {
  const { auth, instances, messages, webhooks } = deps;
  const router = Router();
  const { document, by, named, own, path, finish } = routeKit(router, deps.openapi);

  document({ method: 'post', path: '/instance/create', summary: 'Create an instance: a new store (or an admin\'s store and slot, `drin`) and its slot; `hash` is its token, shown once. The global key only.', body: ZInstanceCreate, responses: { 201: ZInstanceCreated } });
  router.post(path('/instance/create'), auth.global, async (req, res) => {
    const body = parseBody(ZInstanceCreate, req);
    res.status(201).set('Cache-Control', 'no-store').json(await instances.create(body, by(req)));
  });

  document({ method: 'get', path: '/instance/connect/:instanceName', summary: 'Start the slot if it is not running and answer its QR (with a pairing code for ?number=); an open instance answers its state', params: ZInstanceParams, query: ZConnectQuery, responses: { 200: ZQrCode.or(ZConnectionState) } });
  router.get(path('/instance/connect/:instanceName'), auth.manage, async (req, res) => {
    res.json(await instances.connect(named(req), parseQuery(ZConnectQuery, req).number, by(req)));
  });

  document({ method: 'get', path: '/instance/connectionState/:instanceName', summary: 'open, connecting or close', params: ZInstanceParams, responses: { 200: ZConnectionState } });
  router.get(path('/instance/connectionState/:instanceName'), auth.manage, async (req, res) => {
    res.json(await instances.state(named(req)));
  });

  document({ method: 'get', path: '/instance/fetchInstances', summary: 'Every instance (the global key) or the token\'s own; the token itself is never shown again', query: ZFetchQuery, responses: { 200: ZInstanceInfo.array() } });
  router.get(path('/instance/fetchInstances'), auth.any, async (req, res) => {
    res.json(await instances.fetch(callerOf(res), parseQuery(ZFetchQuery, req)));
  });

  document({ method: 'post', path: '/instance/restart/:instanceName', summary: 'Close and reopen the slot\'s socket from its saved session', params: ZInstanceParams, responses: { 200: ZConnectionState } });
  router.post(path('/instance/restart/:instanceName'), auth.manage, async (req, res) => {
    res.json(await instances.restart(named(req), by(req)));
  });

  document({ method: 'delete', path: '/instance/logout/:instanceName', summary: 'Unlink the device from the phone and wipe the slot\'s session (400 when not connected)', params: ZInstanceParams, responses: { 200: ZSuccess } });
  router.delete(path('/instance/logout/:instanceName'), auth.manage, async (req, res) => {
    res.json(await instances.logout(named(req), by(req)));
  });

  document({ method: 'delete', path: '/instance/delete/:instanceName', summary: 'Log out and forget the instance; a store made for it is deleted with all it holds', params: ZInstanceParams, responses: { 200: ZSuccess } });
  router.delete(path('/instance/delete/:instanceName'), auth.manage, async (req, res) => {
    res.json(await instances.remove(named(req), by(req)));
  });

  document({ method: 'post', path: '/message/sendText/:instanceName', summary: 'Queue a text through Drin\'s send queue and governor, from the instance\'s slot. The instance token only.', params: ZInstanceParams, body: ZSendText, responses: { 201: ZSentMessage } });
  router.post(path('/message/sendText/:instanceName'), auth.act, async (req, res) => {
    res.status(201).json(await messages.sendText(own(req), parseBody(ZSendText, req)));
  });

  /** One of Evolution's send endpoints: queued like sendText, answered with the message's key. */
  const sendRoute = <S extends z.ZodType>(name: string, schema: S, what: string, send: (i: InstanceRow, body: z.infer<S>) => Promise<unknown>) => {
    document({ method: 'post', path: `/message/${name}/:instanceName`, summary: `${what}, queued like sendText. The instance token only.`, params: ZInstanceParams, body: schema, responses: { 201: ZSentMessage } });
    router.post(path(`/message/${name}/:instanceName`), auth.act, async (req, res) => {
      res.status(201).json(await send(own(req), parseBody(schema, req)));
    });
  };
  sendRoute('sendMedia', ZSendMedia, 'An image, video, document or audio file (a URL or base64)', messages.sendMedia);
  sendRoute('sendWhatsAppAudio', ZSendAudio, 'A voice note (a URL or base64)', messages.sendAudio);
  sendRoute('sendLocation', ZSendLocation, 'A location pin', messages.sendLocation);
  sendRoute('sendContact', ZSendContact, 'A contact card (one per message)', messages.sendContact);
  sendRoute('sendReaction', ZSendReaction, 'A reaction to a message of this instance, named by its WhatsApp key (empty takes it back)', messages.sendReaction);

  document({ method: 'post', path: '/webhook/set/:instanceName', summary: 'The instance\'s webhook, in Evolution\'s events and payloads, delivered by Drin\'s durable outbox. The instance token only.', params: ZInstanceParams, body: ZWebhookSet, responses: { 201: ZWebhookFound } });
  router.post(path('/webhook/set/:instanceName'), auth.act, async (req, res) => {
    res.status(201).json(await webhooks.set(own(req), parseBody(ZWebhookSet, req).webhook, by(req)));
  });

  document({ method: 'get', path: '/webhook/find/:instanceName', summary: 'The instance\'s webhook, or null. The instance token only.', params: ZInstanceParams, responses: { 200: ZWebhookFound } });
  router.get(path('/webhook/find/:instanceName'), auth.act, async (req, res) => {
    res.json(await webhooks.find(own(req)));
  });

  return finish();
}
