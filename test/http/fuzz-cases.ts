// The bad requests of the route fuzz test: pools of hostile values (ids, slots, bodies, queries,
// credentials) and a seeded generator that combines them for every route of the OpenAPI document.
// Deterministic: the same seed gives the same requests, so a failure can be replayed.

/** mulberry32: a small, well-mixed 32-bit PRNG; enough to pick from pools reproducibly. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RouteSpec {
  method: string;
  /** OpenAPI form: `/api/whatsapp/{storeId}/{slot}/start`. */
  path: string;
  pathParams: string[];
  queryParams: string[];
  hasBody: boolean;
  auth: 'none' | 'admin' | 'store' | 'evolution';
}

/** Every operation of an OpenAPI document. */
export function routesOf(doc: { paths: Record<string, Record<string, any>> }): RouteSpec[] {
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => {
      const scheme = Object.keys(op.security?.[0] ?? {})[0];
      return {
        method: method.toUpperCase(),
        path,
        pathParams: op.parameters.filter((p: any) => p.in === 'path').map((p: any) => p.name),
        queryParams: op.parameters.filter((p: any) => p.in === 'query').map((p: any) => p.name),
        // Only a required body makes bad bodies a must-refuse: an optional one may be empty.
        hasBody: Boolean(op.requestBody?.required),
        auth: scheme === 'adminKey' ? 'admin' : scheme === 'storeKey' ? 'store' : scheme === 'evolutionKey' ? 'evolution' : 'none',
      } satisfies RouteSpec;
    }),
  );
}

export interface Body {
  label: string;
  data: string | Buffer;
  headers: Record<string, string>;
}

const json = (label: string, value: unknown): Body => ({ label, data: JSON.stringify(value), headers: { 'content-type': 'application/json' } });
const raw = (label: string, data: string | Buffer, contentType?: string, extra: Record<string, string> = {}): Body => ({
  label,
  data,
  headers: { ...(contentType ? { 'content-type': contentType } : {}), ...extra },
});

const HUGE = 'x'.repeat(100 * 1024);

/** Path segments, already URL-encoded as a client would send them. */
export const BAD_IDS = [
  '..%2F..%2Fhealth',
  '%2E%2E',
  encodeURIComponent('ストア'),
  encodeURIComponent('💥'),
  'a'.repeat(65),
  '%00',
  '%ZZ',
  '%',
  'nonexistent_store_0000',
  '%20',
  "'%20OR%201=1--",
];

export const BAD_SLOTS = ['0', '-1', '4', '1.5', 'abc', '99999999999999999999', '0x1', '1e0', '%201', '%00', 'NaN', '01'];

/** Phones that the old pattern let through to Baileys, and other things that are no phone. */
export const BAD_PHONES = ['+1------', '+0000000', '1234567', '+1 (((((((', '+99 999 999 999', '+55 11 99999-0000 ext. 12', '', ' ', 'call me', HUGE, '\u0000'];

export const BAD_BODIES: Body[] = [
  json('null', null),
  json('an array', [{ phone: '+1------' }]),
  json('an empty array', []),
  json('a number', 42),
  json('a string', 'phone'),
  json('an empty object', {}),
  json('an unknown field', { phone: '+5511999990000', name: 'x', extra: true }),
  json('phone: a number', { phone: 5511999990000 }),
  json('phone: null', { phone: null }),
  json('phone: an array', { phone: ['+5511999990000'] }),
  json('phone: an object', { phone: { number: '+5511999990000' } }),
  ...BAD_PHONES.map((phone) => json(`phone: ${JSON.stringify(phone.slice(0, 20))}`, { phone })),
  json('name: a number', { name: 123 }),
  json('name: empty', { name: '' }),
  json('name: 100 kB', { name: HUGE }),
  json('name: a NUL byte', { name: 'a\u0000b' }),
  json('name: control characters', { name: '\u0007\u001b[31m' }),
  json('name: a lone surrogate', { name: '\ud800' }),
  json('nested 1000 deep', JSON.parse('['.repeat(1000) + ']'.repeat(1000))),
  raw('__proto__ key', '{"__proto__":{"isAdmin":true},"name":"p"}', 'application/json'),
  raw('constructor key', '{"constructor":{"prototype":{"x":1}},"phone":"+1"}', 'application/json'),
  raw('invalid JSON', '{"phone": "+1', 'application/json'),
  raw('JSON null literal', 'null', 'application/json'),
  raw('empty JSON body', '', 'application/json'),
  raw('text/plain JSON', '{"phone":"+5511999990000"}', 'text/plain'),
  raw('a form', 'phone=%2B1------&name=x', 'application/x-www-form-urlencoded'),
  raw('multipart junk', '--x\r\nContent-Disposition: form-data; name="phone"\r\n\r\n+1\r\n--x--', 'multipart/form-data; boundary=x'),
  raw('UTF-16 charset', '{"name":"x"}', 'application/json; charset=utf-16'),
  raw('an unknown charset', '{"name":"x"}', 'application/json; charset=klingon'),
  raw('gzip that is not gzip', 'not gzip at all', 'application/json', { 'content-encoding': 'gzip' }),
  raw('an unknown content-encoding', '{"name":"x"}', 'application/json', { 'content-encoding': 'compress' }),
  raw('binary', Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x80]), 'application/json'),
  raw('2 MB (over BODY_LIMIT)', JSON.stringify({ name: 'y'.repeat(2 * 1024 * 1024) }), 'application/json'),
  raw('no content type', '{"phone":"+1------"}'),
];

export const BAD_QUERIES = [
  '?format=gif',
  '?format=png&format=json',
  '?format[]=png',
  '?format=%00',
  '?limit=-1',
  '?limit=0',
  '?limit=abc',
  '?limit=1.5',
  '?limit=1e309',
  '?limit=99999999999999999999',
  '?cursor=..%2F',
  `?cursor=${'c'.repeat(65)}`,
  '?unknown=1',
  '?%00=1',
  `?q=${'q'.repeat(4000)}`,
];

export interface Credentials {
  admin: string;
  /** The store the fuzz aims at, and the key that opens it. */
  store: { storeId: string; apiKey: string };
  /** Another store: its key on the first store's paths must be refused. */
  other: { storeId: string; apiKey: string };
  /** A store admin routes may rotate and delete. */
  victim: { storeId: string };
  /** An Evolution instance the compatibility routes act on, and one they may log out and delete. */
  evolution: { name: string; token: string; victimName: string; victimToken: string };
}

export function badAuthorizations(c: Credentials, route: Pick<RouteSpec, 'auth'>): Array<{ label: string; header?: string }> {
  return [
    { label: 'no key' },
    { label: "another store's key", header: `Bearer ${c.other.apiKey}` },
    { label: 'a made-up key', header: 'Bearer drin_sk_made_up_0000000000000000' },
    route.auth === 'admin' ? { label: "a store's key on an admin route", header: `Bearer ${c.store.apiKey}` } : { label: 'the admin key on a store route', header: `Bearer ${c.admin}` },
    { label: 'Basic auth', header: 'Basic YWRtaW46YWRtaW4=' },
    { label: 'an empty bearer', header: 'Bearer ' },
    { label: 'an 8 kB key', header: `Bearer ${'k'.repeat(8 * 1024)}` },
    { label: 'two tokens', header: `Bearer ${c.store.apiKey} ${c.store.apiKey}` },
  ];
}

export const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
