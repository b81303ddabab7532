// Acceptance (issue 8, §5): every route the OpenAPI document lists, sent hundreds of bad requests
// (wrong types, unknown fields, huge strings, bad ids and slots, bad queries, wrong content
// types, hostile credentials): no answer is a 5xx, every refusal is in the one error shape, a
// request with a bad part the route reads is refused (not answered 2xx), and the daemon is still
// healthy afterwards. The daemon is the real one, with the WhatsApp engine
// against the local simulator. Requests that would legitimately open WhatsApp sockets are kept
// to one per slot (a valid start of slot 1, a valid restart of the same slot).
// FUZZ_SEED=<n> replays another set of requests.
import { describe, expect, it } from '@jest/globals';
import { ADMIN_KEY, useDaemonSuite } from '../support/daemon-harness.js';
import {
  BAD_BODIES,
  BAD_IDS,
  BAD_QUERIES,
  BAD_SLOTS,
  badAuthorizations,
  pick,
  routesOf,
  seededRandom,
  type Body,
  type Credentials,
  type RouteSpec,
} from './fuzz-cases.js';

const ctx = useDaemonSuite();

const SEED = Number(process.env.FUZZ_SEED ?? 20261122);
const RANDOM_CASES_PER_ROUTE = 8;

interface FuzzCase {
  label: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  /** Something in it is bad that the route reads (not, say, a body sent to a route without one): a 2xx is a failure. */
  mustRefuse: boolean;
}


/** Routes that start a WhatsApp socket when everything about the request is right. */
const opensSocket = (route: RouteSpec) => /\/(start|restart|pairing-code)$|\/instance\/(connect|restart)\//.test(route.path);

/** The Evolution routes that only the global key may call (the rest take an instance token). */
const evolutionGlobal = (route: RouteSpec) => /\/evolution\/instance\/(create|fetchInstances)$/.test(route.path);
/** The Evolution routes whose valid call ends the instance: aimed at a victim instance. */
const evolutionEnds = (route: RouteSpec) => /\/instance\/(logout|delete)\//.test(route.path);

function casesFor(route: RouteSpec, c: Credentials, random: () => number): FuzzCase[] {
  const evolutionKey = evolutionGlobal(route) ? ADMIN_KEY : evolutionEnds(route) ? c.evolution.victimToken : c.evolution.token;
  const validAuth = route.auth === 'store' ? `Bearer ${c.store.apiKey}` : route.auth === 'admin' ? `Bearer ${ADMIN_KEY}` : route.auth === 'evolution' ? evolutionKey : undefined;
  // Evolution clients send their key in the apikey header.
  const authHeader = route.auth === 'evolution' ? 'apikey' : 'authorization';
  const validParams: Record<string, string> = {
    instanceName: evolutionEnds(route) ? c.evolution.victimName : c.evolution.name,
    storeId: route.auth === 'admin' ? c.victim.storeId : c.store.storeId,
    // start and restart share slot 1 (one socket); a pairing code is only ever tried on slot 2.
    slot: /\/(start|restart)$/.test(route.path) ? '1' : route.path.endsWith('/pairing-code') ? '2' : '3',
  };
  const validBody: Body | undefined = route.path === '/api/admin/stores' && route.method === 'POST' ? { label: 'valid', data: '{"name":"fuzz"}', headers: { 'content-type': 'application/json' } } : undefined;

  const make = (label: string, o: { params?: Record<string, string>; auth?: string | null; query?: string; body?: Body; method?: string; mustRefuse?: boolean } = {}): FuzzCase => {
    const params = { ...validParams, ...o.params };
    const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => params[name] ?? 'x') + (o.query ?? '');
    const auth = o.auth === null ? undefined : (o.auth ?? validAuth);
    // fetch cannot send a body with GET or HEAD.
    const body = route.method === 'GET' && !o.method ? undefined : (o.body ?? validBody);
    return {
      label: `${route.method} ${route.path}: ${label}`,
      method: o.method ?? route.method,
      path,
      headers: { ...(auth ? { [authHeader]: auth } : {}), ...(body?.headers ?? {}) },
      ...(body ? { body: body.data } : {}),
      mustRefuse: o.mustRefuse ?? true,
    };
  };

  const cases: FuzzCase[] = [];
  // The one fully valid request, so the fuzz is known to reach each handler (pairing-code's
  // valid request would ask WhatsApp for a code: its bodies below are all bad).
  if (!route.path.endsWith('/pairing-code')) cases.push(make('valid', { mustRefuse: false }));
  if (route.auth !== 'none') {
    for (const a of badAuthorizations(c, route)) cases.push(make(a.label, { auth: a.header ?? null }));
  }
  if (route.pathParams.includes('storeId')) {
    for (const id of BAD_IDS) cases.push(make(`storeId ${id.slice(0, 24)}`, { params: { storeId: id } }));
    if (route.auth === 'store') cases.push(make("another store's id with this store's key", { params: { storeId: c.other.storeId } }));
  }
  if (route.pathParams.includes('slot')) {
    for (const slot of BAD_SLOTS) cases.push(make(`slot ${slot}`, { params: { slot } }));
  }
  const bodies = route.hasBody ? BAD_BODIES : route.method === 'GET' ? [] : [pick(random, BAD_BODIES), pick(random, BAD_BODIES)];
  for (const body of bodies) cases.push(make(`body: ${body.label}`, { body, mustRefuse: route.hasBody }));
  const queries = route.queryParams.length ? BAD_QUERIES : [pick(random, BAD_QUERIES)];
  for (const query of queries) cases.push(make(`query ${query.slice(0, 30)}`, { query, mustRefuse: route.queryParams.length > 0 }));
  cases.push(make('a method the route does not take', { method: route.method === 'PUT' ? 'PATCH' : 'PUT' }));

  const auths = badAuthorizations(c, route);
  for (let i = 0; i < RANDOM_CASES_PER_ROUTE; i++) {
    const auth = random() < 0.5 ? undefined : pick(random, auths).header ?? null;
    const storeId = random() < 0.6 ? undefined : pick(random, BAD_IDS);
    // Never a second socket: on the routes that open one, a random case's slot is always bad.
    const slot = opensSocket(route) || random() < 0.5 ? pick(random, BAD_SLOTS) : undefined;
    const body = random() < 0.7 ? pick(random, BAD_BODIES) : undefined;
    const query = random() < 0.3 ? pick(random, BAD_QUERIES) : undefined;
    const params = { ...(storeId && route.pathParams.includes('storeId') ? { storeId } : {}), ...(slot && route.pathParams.includes('slot') ? { slot } : {}) };
    const mustRefuse =
      (auth !== undefined && route.auth !== 'none') || Object.keys(params).length > 0 || (Boolean(body) && route.hasBody) || (Boolean(query) && route.queryParams.length > 0);
    cases.push(make(`random #${i}`, { params, mustRefuse, ...(auth !== undefined ? { auth } : {}), ...(body ? { body } : {}), ...(query ? { query } : {}) }));
  }
  return cases;
}

async function send(baseUrl: string, c: FuzzCase): Promise<{ status: number; body: unknown; requestId: string | null }> {
  const res = await fetch(baseUrl + c.path, { method: c.method, headers: c.headers, body: c.body, signal: AbortSignal.timeout(60_000) });
  // A live event stream never ends: its headers are the answer.
  if (res.headers.get('content-type')?.startsWith('text/event-stream')) {
    await res.body?.cancel();
    return { status: res.status, body: '(event stream)', requestId: res.headers.get('x-request-id') };
  }
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON: kept as text, and a refusal that is not JSON fails the shape check */
  }
  return { status: res.status, body, requestId: res.headers.get('x-request-id') };
}

/** Evolution's error shape, on its compatibility routes: { status, error, response: { message: [] }, requestId }. */
function evolutionShapeProblem(body: any, status: number, requestId: string | null): string | undefined {
  if (typeof body !== 'object' || body === null || Object.keys(body).sort().join() !== 'error,requestId,response,status') return 'the body is not Evolution\'s {status, error, response}';
  if (body.status !== status || typeof body.error !== 'string' || !Array.isArray(body.response?.message) || !body.response.message.every((m: unknown) => typeof m === 'string')) return 'status, error or response.message is off';
  if (body.requestId !== requestId) return 'requestId differs from the x-request-id header';
  return undefined;
}

function shapeProblem(body: any, requestId: string | null): string | undefined {
  const error = body?.error;
  if (typeof body !== 'object' || body === null || Object.keys(body).join() !== 'error') return 'the body is not {error}';
  if (typeof error?.code !== 'string' || typeof error?.message !== 'string' || typeof error?.requestId !== 'string') return 'error lacks code, message or requestId';
  const extra = Object.keys(error).filter((k) => !['code', 'message', 'requestId', 'details'].includes(k));
  if (extra.length) return `error has unexpected keys ${extra.join()}`;
  if (error.requestId !== requestId) return 'requestId differs from the x-request-id header';
  return undefined;
}

describe('fuzz: every route, bad input', () => {
  it(
    'never answers 5xx, refuses bad input in the error shape, and stays healthy',
    async () => {
      const h = ctx.h;
      const store = await h.createStore('Fuzz target');
      const other = await h.createStore('Fuzz other');
      const victim = await h.createStore('Fuzz victim');
      const instance = async (instanceName: string) => (await h.request('POST', '/evolution/instance/create', { headers: { apikey: ADMIN_KEY }, body: { instanceName } })).body.hash as string;
      const evolution = { name: 'fuzz-instance', token: await instance('fuzz-instance'), victimName: 'fuzz-victim', victimToken: await instance('fuzz-victim') };
      const credentials: Credentials = { admin: ADMIN_KEY, store, other, victim, evolution };

      const doc = await h.request('GET', '/openapi.json');
      const routes = routesOf(doc.body);
      // The document lists the WhatsApp routes too, so they are fuzzed with the rest.
      expect(routes.map((r) => `${r.method} ${r.path}`)).toEqual(expect.arrayContaining(['POST /api/whatsapp/{storeId}/{slot}/pairing-code', 'DELETE /api/admin/stores/{storeId}']));

      const random = seededRandom(SEED);
      const cases = routes.flatMap((route) => casesFor(route, credentials, random));
      const failures: string[] = [];
      const fail = (c: FuzzCase, problem: string, status: number | string, body: unknown) =>
        failures.push(`${c.label} → ${problem} | ${c.method} ${c.path.slice(0, 120)} | ${status} ${JSON.stringify(body)?.slice(0, 200)}`);
      for (const c of cases) {
        try {
          const res = await send(h.daemon.url, c);
          const refused = c.path.startsWith('/evolution/') ? evolutionShapeProblem(res.body, res.status, res.requestId) : shapeProblem(res.body, res.requestId);
          const problem = res.status >= 500 ? `status ${res.status}` : res.status >= 300 ? refused : c.mustRefuse ? 'bad input accepted' : undefined;
          if (problem) fail(c, problem, res.status, res.body);
        } catch (err) {
          fail(c, 'no answer', String(err), undefined);
        }
      }

      expect({ seed: SEED, failures: failures.slice(0, 60) }).toEqual({ seed: SEED, failures: [] });
      expect(cases.length).toBeGreaterThan(300);

      expect((await h.request('GET', '/health')).body).toMatchObject({ status: 'ok' });
      expect((await h.request('GET', '/ready')).status).toBe(200);
      const sessions = await h.request('GET', `/api/whatsapp/${store.storeId}/sessions`, { key: store.apiKey });
      expect(sessions.status).toBe(200);
    },
    10 * 60_000,
  );
});
