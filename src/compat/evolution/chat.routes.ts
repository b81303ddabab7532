// Evolution API v2's chat routes Drin answers, under /evolution: which numbers are on WhatsApp,
// read receipts, and the instance's messages and chats. Each acts on one store's WhatsApp and
// data, so each takes the instance's own token (the global key is refused). Thin: check the
// apikey, parse, call one service, answer in Evolution's shape.
import { Router } from 'express';
import type { OpenApiRegistry } from '../../http/openapi.js';
import { parseBody } from '../../http/validate.js';
import { PAGE_MAX, ZChats, ZFindChats, ZFindMessages, ZFoundMessages, ZOnWhatsApp, ZReadDone, ZReadMessages, ZWhatsAppNumbers } from './chat.schemas.js';
import type { EvolutionChat } from './chat.service.js';
import type { EvolutionAuth } from './evolution-auth.js';
import { ZInstanceParams } from './evolution.schemas.js';
import { routeKit } from './route-kit.js';

export function evolutionChatRouter(deps: { auth: EvolutionAuth; chat: EvolutionChat; openapi: OpenApiRegistry }): Router {
  const { auth, chat } = deps;
  const router = Router();
  const { document, own, finish } = routeKit(router, deps.openapi);

  const numbers = document({ method: 'post', path: '/chat/whatsappNumbers/:instanceName', summary: 'Which numbers are on WhatsApp, asked on the instance\'s slot. The instance token only.', params: ZInstanceParams, body: ZWhatsAppNumbers, responses: { 200: ZOnWhatsApp } });
  router.post(numbers, auth.act, async (req, res) => {
    res.json(await chat.whatsappNumbers(own(req), parseBody(ZWhatsAppNumbers, req)));
  });

  const read = document({ method: 'post', path: '/chat/markMessageAsRead/:instanceName', summary: 'Read receipts for these messages from the instance\'s slot; in Drin\'s CRM their threads keep unread only what came after them. The instance token only.', params: ZInstanceParams, body: ZReadMessages, responses: { 201: ZReadDone } });
  router.post(read, auth.act, async (req, res) => {
    res.status(201).json(await chat.markRead(own(req), parseBody(ZReadMessages, req)));
  });

  // The two finds take an optional body: Evolution answers {}, or none, with everything.
  const messages = document({ method: 'post', path: '/chat/findMessages/:instanceName', summary: `The instance's slot's messages, newest first, a page at a time (offset at most ${PAGE_MAX}). The instance token only.`, params: ZInstanceParams, body: ZFindMessages, responses: { 200: ZFoundMessages } });
  router.post(messages, auth.act, async (req, res) => {
    res.json(await chat.findMessages(own(req), parseBody(ZFindMessages, req)));
  });

  const chats = document({ method: 'post', path: '/chat/findChats/:instanceName', summary: `The instance's slot's chats (one per contact), newest first, with their last message and unread count (take at most ${PAGE_MAX}). The instance token only.`, params: ZInstanceParams, body: ZFindChats, responses: { 200: ZChats } });
  router.post(chats, auth.act, async (req, res) => {
    res.json(await chat.findChats(own(req), parseBody(ZFindChats, req)));
  });

  return finish();
}
