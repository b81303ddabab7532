// GET and PATCH the store's settings (the dashboard's settings page).
import { Router } from 'express';
import { requireStoreKey, type AuthorizeStore } from '../http/auth.js';
import type { OpenApiRegistry } from '../http/openapi.js';
import { withLimit, type RateLimits } from '../http/rate-limits.js';
import { parseBody, parseParams } from '../http/validate.js';
import { ZStoreParams } from '../kernel/index.js';
import type { SettingsService } from './settings.service.js';
import { ZSettings, ZSettingsPatch } from './settings.schemas.js';

export function settingsRouter(deps: { settings: SettingsService; authorizeStore: AuthorizeStore<unknown>; openapi: OpenApiRegistry; limits?: Pick<RateLimits, 'perStoreKey'> }): Router {
  const { settings, openapi } = deps;
  const router = Router();
  const storeKey = withLimit(requireStoreKey(deps.authorizeStore), deps.limits?.perStoreKey);
  const path = '/api/client/:storeId/settings';
  const tag = 'settings';

  openapi.add({ method: 'get', path, summary: 'The store’s settings, defaults filled in', tag, auth: 'store', params: ZStoreParams, responses: { 200: ZSettings } });
  router.get(path, storeKey, async (req, res) => {
    const { storeId } = parseParams(ZStoreParams, req);
    res.json(await settings.read(storeId));
  });

  openapi.add({ method: 'patch', path, summary: 'Change some settings; the rest keep their values', tag, auth: 'store', params: ZStoreParams, body: ZSettingsPatch, responses: { 200: ZSettings } });
  router.patch(path, storeKey, async (req, res) => {
    const { storeId } = parseParams(ZStoreParams, req);
    res.json(await settings.update(storeId, parseBody(ZSettingsPatch, req)));
  });

  return router;
}
