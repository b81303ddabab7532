// The bot's routes: its configuration (the /whatsapp-tools page), the month's usage, a contact's
// pause, and the turns with the context each answer was given.
import { Router } from 'express';
import { auditContext, requireStoreKey, type AuthorizeStore } from '../http/auth.js';
import type { OpenApiRegistry } from '../http/openapi.js';
import { withLimit, type RateLimits } from '../http/rate-limits.js';
import { parseBody, parseParams, parseQuery } from '../http/validate.js';
import { z } from 'zod';
import type { BotConfigService } from './bot-config.service.js';
import type { BotUsageService } from './bot-usage.service.js';
import type { BotService } from './bot.service.js';
import { ZBotConfig, ZBotConfigUpdate, ZPause, ZPauseBody, ZStoreContactParams, ZStoreParams, ZStoreRowParams, ZTurn, ZTurnQuery, ZUsage } from './bot.schemas.js';

export function botRouter(deps: {
  bot: BotService;
  configs: BotConfigService;
  usage: BotUsageService;
  authorizeStore: AuthorizeStore<unknown>;
  openapi: OpenApiRegistry;
  limits?: Pick<RateLimits, 'perStoreKey'>;
}): Router {
  const { bot, configs, usage, openapi } = deps;
  const router = Router();
  const storeKey = withLimit(requireStoreKey(deps.authorizeStore), deps.limits?.perStoreKey);
  const tag = 'bot';

  const config = '/api/client/:storeId/config';
  openapi.add({ method: 'get', path: config, summary: 'The bot’s configuration (the defaults when never saved)', tag, auth: 'store', params: ZStoreParams, responses: { 200: ZBotConfig } });
  router.get(config, storeKey, async (req, res) => {
    const { storeId } = parseParams(ZStoreParams, req);
    res.json(await configs.get(storeId));
  });

  openapi.add({
    method: 'put',
    path: config,
    summary: 'Change the bot’s configuration: any of its fields (the rest keep their values); GET’s read-only fields are accepted and ignored',
    tag,
    auth: 'store',
    params: ZStoreParams,
    body: ZBotConfigUpdate,
    responses: { 200: ZBotConfig },
  });
  router.put(config, storeKey, async (req, res) => {
    const { storeId } = parseParams(ZStoreParams, req);
    res.json(await configs.update(storeId, parseBody(ZBotConfigUpdate, req), auditContext(req, 'store')));
  });

  const usagePath = '/api/client/:storeId/usage';
  openapi.add({ method: 'get', path: usagePath, summary: 'This month’s bot replies, tokens and cost, the budget, and whether the bot can answer (and why not)', tag, auth: 'store', params: ZStoreParams, responses: { 200: ZUsage } });
  router.get(usagePath, storeKey, async (req, res) => {
    const { storeId } = parseParams(ZStoreParams, req);
    res.json(await usage.usage(storeId));
  });

  const pause = '/api/client/:storeId/contacts/:id/bot-pause';
  openapi.add({ method: 'get', path: pause, summary: 'Whether the bot is paused in this contact’s chats', tag, auth: 'store', params: ZStoreContactParams, responses: { 200: ZPause } });
  router.get(pause, storeKey, async (req, res) => {
    const { storeId, id } = parseParams(ZStoreContactParams, req);
    res.json(await bot.pauseOf(storeId, id));
  });
  openapi.add({ method: 'put', path: pause, summary: 'Pause the bot in this contact’s chats for some minutes (a person answers)', tag, auth: 'store', params: ZStoreContactParams, body: ZPauseBody, responses: { 200: ZPause } });
  router.put(pause, storeKey, async (req, res) => {
    const { storeId, id } = parseParams(ZStoreContactParams, req);
    res.json(await bot.pause(storeId, id, parseBody(ZPauseBody, req).minutes));
  });
  openapi.add({ method: 'delete', path: pause, summary: 'Let the bot answer this contact again', tag, auth: 'store', params: ZStoreContactParams, responses: { 200: ZPause } });
  router.delete(pause, storeKey, async (req, res) => {
    const { storeId, id } = parseParams(ZStoreContactParams, req);
    res.json(await bot.resume(storeId, id));
  });

  const turns = '/api/client/:storeId/bot/turns';
  const ZTurnList = z.object({ data: z.array(ZTurn) });
  openapi.add({ method: 'get', path: turns, summary: 'The bot’s turns, newest first: what it answered or why it stayed silent, with the context it was given', tag, auth: 'store', params: ZStoreParams, query: ZTurnQuery, responses: { 200: ZTurnList } });
  router.get(turns, storeKey, async (req, res) => {
    const { storeId } = parseParams(ZStoreParams, req);
    res.json({ data: await bot.replies(storeId, parseQuery(ZTurnQuery, req)) });
  });
  openapi.add({ method: 'get', path: `${turns}/:id`, summary: 'One bot turn', tag, auth: 'store', params: ZStoreRowParams, responses: { 200: ZTurn } });
  router.get(`${turns}/:id`, storeKey, async (req, res) => {
    const { storeId, id } = parseParams(ZStoreRowParams, req);
    res.json(await bot.reply(storeId, id));
  });

  return router;
}
