// The store's contacts (the CRM's clients): list and search, one contact, a lead by hand, edits,
// merging two contacts that are one person, and the profile page.
import { Router } from 'express';
import { requireStoreKey, type AuthorizeStore } from '../http/auth.js';
import type { OpenApiRegistry } from '../http/openapi.js';
import { withLimit, type RateLimits } from '../http/rate-limits.js';
import { parseBody, parseParams, parseQuery } from '../http/validate.js';
import type { ContactsService } from './contacts.service.js';
import {
  ZContactDetail,
  ZContactPage,
  ZContactParams,
  ZContactProfile,
  ZContactsQuery,
  ZCreateContactBody,
  ZMergeContactBody,
  ZStoreParams,
  ZUpdateContactBody,
} from './contacts.schemas.js';

export function contactsRouter(deps: {
  contacts: ContactsService;
  authorizeStore: AuthorizeStore<unknown>;
  openapi: OpenApiRegistry;
  limits?: Pick<RateLimits, 'perStoreKey'>;
}): Router {
  const { contacts, openapi } = deps;
  const router = Router();
  const storeKey = withLimit(requireStoreKey(deps.authorizeStore), deps.limits?.perStoreKey);
  const tag = 'contacts';
  const base = '/api/client/:storeId/contacts';

  openapi.add({ method: 'get', path: base, summary: 'Contacts, newest first: search by name, email or number in any format; filter by tag, opt-out, recent activity', tag, auth: 'store', params: ZStoreParams, query: ZContactsQuery, responses: { 200: ZContactPage } });
  router.get(base, storeKey, async (req, res) => {
    const { storeId } = parseParams(ZStoreParams, req);
    res.json(await contacts.list(storeId, parseQuery(ZContactsQuery, req)));
  });

  openapi.add({ method: 'post', path: base, summary: "A lead entered by hand; its phone is kept in E.164 (read in the store's country) and must be no other contact's", tag, auth: 'store', params: ZStoreParams, body: ZCreateContactBody, responses: { 201: ZContactDetail } });
  router.post(base, storeKey, async (req, res) => {
    const { storeId } = parseParams(ZStoreParams, req);
    res.status(201).json(await contacts.create(storeId, parseBody(ZCreateContactBody, req)));
  });

  openapi.add({ method: 'get', path: `${base}/:id`, summary: 'One contact with its handles on other channels', tag, auth: 'store', params: ZContactParams, responses: { 200: ZContactDetail } });
  router.get(`${base}/:id`, storeKey, async (req, res) => {
    const { storeId, id } = parseParams(ZContactParams, req);
    res.json(await contacts.get(storeId, id));
  });

  openapi.add({ method: 'patch', path: `${base}/:id`, summary: 'Change a contact\'s name, tags, notes, email or opt-out', tag, auth: 'store', params: ZContactParams, body: ZUpdateContactBody, responses: { 200: ZContactDetail } });
  router.patch(`${base}/:id`, storeKey, async (req, res) => {
    const { storeId, id } = parseParams(ZContactParams, req);
    res.json(await contacts.update(storeId, id, parseBody(ZUpdateContactBody, req)));
  });

  openapi.add({ method: 'post', path: `${base}/:id/merge`, summary: 'Merge another contact into this one: its messages, conversations, appointments, snapshots and handles move here, then it is deleted', tag, auth: 'store', params: ZContactParams, body: ZMergeContactBody, responses: { 200: ZContactDetail } });
  router.post(`${base}/:id/merge`, storeKey, async (req, res) => {
    const { storeId, id } = parseParams(ZContactParams, req);
    const { otherId } = parseBody(ZMergeContactBody, req);
    res.json(await contacts.merge(storeId, id, otherId));
  });

  openapi.add({ method: 'get', path: `${base}/:id/profile`, summary: 'A contact with its latest AI summary, last messages, recent conversations and upcoming appointments', tag, auth: 'store', params: ZContactParams, responses: { 200: ZContactProfile } });
  router.get(`${base}/:id/profile`, storeKey, async (req, res) => {
    const { storeId, id } = parseParams(ZContactParams, req);
    res.json(await contacts.profile(storeId, id));
  });

  return router;
}
