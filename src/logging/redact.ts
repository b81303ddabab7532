// Removes secrets from whatever a call site logs, at any depth. pino's own `redact` paths are
// fixed shapes (`*.apiKey` is one level deep), and a secret can hide anywhere: an axios/openai
// error's `config.headers.Authorization`, Baileys' `creds`, a URL inside an error message. So
// each logged object is walked once, copy-on-write (an object with nothing to hide is returned as
// is, nothing is copied), bounded in depth and size, and safe against cycles.

export const CENSOR = '[Redacted]';

/** Deeper than this a subtree is replaced by a marker: never printed, so never leaked. */
const MAX_DEPTH = 12;
/** Objects walked per logged value; past it the rest is replaced by markers. */
const MAX_OBJECTS = 20_000;

/**
 * Key names, lower-cased with separators dropped (`X-Api-Key` → `xapikey`), whose values are
 * secret. Suffixes, so `adminApiKey`, `webhookSecret`, `accessToken`, `set-cookie`,
 * `proxy-authorization` match too. Baileys' creds and signal keys are listed by their own names
 * (`noiseKey`, `signedPreKey`, `pre-key`, `sender-key`, `app-state-sync-key`, …). Plain `key` is not
 * here: Baileys logs message keys (`{ key: { remoteJid, id } }`) that an operator needs.
 */
const SECRET_NAME =
  /(?:authorization|cookies?|passwords?|passwd|pwd|passphrase|secrets?|secretskey|token|apikey|accesskey|privatekey|privkey|secretkey|signingkey|encryptionkey|hmackey|enckey|mackey|sessionkey|mediakey|noisekey|identitykey|prekey|senderkey|synckey|keypair|pepper|creds|credentials?|qr|qrdataurl|qrcode|pairingcode|connectionstring|databaseurl)$/i;
const NOT_ALNUM = /[^A-Za-z0-9]/g;

/** Baileys' pairing codes: 8 characters of its Crockford alphabet (no 0, I, O, U), maybe `XXXX-XXXX`. */
const PAIRING_CODE = /^[1-9A-HJ-NP-TV-Z]{4}-?[1-9A-HJ-NP-TV-Z]{4}$/;

export function isSecretName(key: string): boolean {
  return SECRET_NAME.test(key.replace(NOT_ALNUM, ''));
}

/** `code` is far too common a key (error codes) to hide always: only a pairing code's. */
function isPairingCode(key: string, value: unknown, parentKey: string): boolean {
  if (key !== 'code') return false;
  return /pairing/i.test(parentKey) || (typeof value === 'string' && PAIRING_CODE.test(value));
}

/** A cheap first look, so the patterns below run only on strings that might hold a secret. */
const MIGHT_HOLD_SECRET = /bearer|basic|drin_|[?&#][\w-]+=|:\/\/|data:image|linked_devices/i;
const STRING_SECRETS: Array<[RegExp, string]> = [
  // Authorization header values pasted into messages ("request failed with Bearer eyJ…").
  [/\b(Bearer|Basic)\s+[\w.~+/=-]{8,}/gi, `$1 ${CENSOR}`],
  // Drin's own keys: drin_sk_… (store), drin_admin_… (development admin), any later drin_<kind>_….
  [/\bdrin_([a-z]+)_[\w-]{16,}/g, `drin_$1_${CENSOR}`],
  // Secret query or fragment parameters in URLs (redactUrl's list, plus a few); already-redacted
  // values are left alone so redactUrl's output survives unchanged.
  [/([?&#](?:token|access_token|refresh_token|api[_-]?key|key|secret|password|code)=)(?!%5BRedacted%5D|\[Redacted\])[^&#\s"']+/gi, `$1${CENSOR}`],
  // Passwords in connection strings: postgres://user:password@host.
  [/(\b[a-z][a-z\d+.-]*:\/\/[^\s:@/"']*:)(?!\[Redacted\]@)[^\s@/"']+@/gi, `$1${CENSOR}@`],
  // A QR as a data URL, or the raw QR payload Baileys builds (wa.me/settings/linked_devices#ref,keys…).
  [/(data:image\/[\w+.-]+;base64,)[A-Za-z\d+/=]{16,}/gi, `$1${CENSOR}`],
  [/(linked_devices#)(?!\[Redacted\])[^\s"']+/g, `$1${CENSOR}`],
];

export function scrubString(value: string): string {
  if (value.length < 12 || !MIGHT_HOLD_SECRET.test(value)) return value;
  let out = value;
  for (const [pattern, replacement] of STRING_SECRETS) out = out.replace(pattern, replacement);
  return out;
}

interface Walk {
  ancestors: Set<object>;
  objects: number;
}

function isHttpMessage(value: object): boolean {
  const v = value as { method?: unknown; headers?: unknown; socket?: unknown; setHeader?: unknown };
  return (Boolean(v.method) && Boolean(v.headers) && Boolean(v.socket)) || typeof v.setHeader === 'function';
}

function isError(value: object): value is Error {
  return value instanceof Error || Object.prototype.toString.call(value) === '[object Error]';
}

/** Values JSON prints without looking inside for anything a key name could reveal. */
function isOpaque(value: object): boolean {
  return ArrayBuffer.isView(value) || value instanceof ArrayBuffer || value instanceof Date || value instanceof RegExp;
}

function censorOrWalk(key: string, value: unknown, parentKey: string, depth: number, w: Walk): unknown {
  // Secrets are strings, bytes or objects; a number or flag under such a name (a fencing token's
  // epoch, a count) is what an operator needs to see. Empty values show that nothing was there.
  if (value === undefined || value === null || value === '' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (isSecretName(key) || isPairingCode(key, value, parentKey)) return CENSOR;
  return walk(value, key, depth + 1, w);
}

/**
 * An error keeps its class (so pino's err serializer still names its `type`), message and stack,
 * scrubbed; its own fields (axios' `config`, `request`, `response`) and its `cause` are walked.
 */
function redactError(err: Error, key: string, depth: number, w: Walk): Error {
  const copy = Object.create(Object.getPrototypeOf(err) as object) as Error;
  const define = (key: string, value: unknown) => Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
  define('type', (err.constructor as { name?: string } | undefined)?.name ?? err.name);
  define('message', typeof err.message === 'string' ? scrubString(err.message) : err.message);
  if (typeof err.stack === 'string') define('stack', scrubString(err.stack));
  for (const field of Object.keys(err)) {
    if (field === 'message' || field === 'stack' || field === 'type') continue;
    define(field, censorOrWalk(field, read(err, field), key, depth, w));
  }
  if (err.cause !== undefined && !Object.prototype.propertyIsEnumerable.call(err, 'cause')) define('cause', walk(err.cause, 'cause', depth + 1, w));
  const errors = (err as { errors?: unknown }).errors;
  if (Array.isArray(errors) && !Object.prototype.propertyIsEnumerable.call(err, 'errors')) define('errors', walk(errors, 'errors', depth + 1, w));
  return copy;
}

function read(obj: object, key: string): unknown {
  try {
    return (obj as Record<string, unknown>)[key];
  } catch {
    return '[Unreadable]';
  }
}

function walkArray(arr: unknown[], parentKey: string, depth: number, w: Walk): unknown[] {
  let out: unknown[] | undefined;
  for (let i = 0; i < arr.length; i++) {
    const value = arr[i];
    const clean = walk(value, parentKey, depth + 1, w);
    if (clean !== value && !out) out = arr.slice(0, i);
    if (out) out.push(clean);
  }
  return out ?? arr;
}

function walkObject(obj: object, parentKey: string, depth: number, w: Walk): object {
  let out: Record<string, unknown> | undefined;
  const keys = Object.keys(obj);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const value = read(obj, key);
    const clean = censorOrWalk(key, value, parentKey, depth, w);
    if (clean !== value && !out) {
      out = {};
      for (let j = 0; j < i; j++) out[keys[j]!] = read(obj, keys[j]!);
    }
    if (out) out[key] = clean;
  }
  return out ?? obj;
}

function walk(value: unknown, key: string, depth: number, w: Walk): unknown {
  if (typeof value === 'string') return scrubString(value);
  if (typeof value !== 'object' || value === null || isOpaque(value)) return value;
  // pino-http hands the raw request and response to its own serializers (which keep no headers).
  if (depth === 1 && (key === 'req' || key === 'res') && isHttpMessage(value)) return value;
  if (w.ancestors.has(value)) return '[Circular]';
  if (depth > MAX_DEPTH || ++w.objects > MAX_OBJECTS) return Array.isArray(value) ? '[Array]' : '[Object]';
  w.ancestors.add(value);
  try {
    if (isError(value)) return redactError(value, key, depth, w);
    if (Array.isArray(value)) return walkArray(value, key, depth, w);
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    // What JSON.stringify would print is what must be clean (AxiosHeaders, protobuf messages…).
    if (typeof toJSON === 'function') {
      let json: unknown;
      try {
        json = toJSON.call(value);
      } catch {
        return '[Unserializable]';
      }
      return json === value ? walkObject(value, key, depth, w) : walk(json, key, depth, w);
    }
    return walkObject(value, key, depth, w);
  } finally {
    w.ancestors.delete(value);
  }
}

/** The value with every secret censored; the same reference when there was nothing to hide. */
export function redactForLog<T>(value: T): T {
  return walk(value, '', 0, { ancestors: new Set(), objects: 0 }) as T;
}
