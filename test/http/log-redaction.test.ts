// A key must never reach the log: drive real requests carrying keys in every place a client
// might put them and search everything the logger wrote.
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bytesToCrockford, initAuthCreds } from '@whiskeysockets/baileys';
import { createLogger } from '../../src/logging/logger.js';
import { ADMIN_KEY, startAppHarness, type AppHarness } from '../support/app-harness.js';

const lines: string[] = [];
const sink = new Writable({
  write(chunk, _enc, done) {
    lines.push(chunk.toString());
    done();
  },
});

const logger = createLogger({ level: 'trace' }, sink);
let h: AppHarness;
beforeAll(async () => {
  h = await startAppHarness({ logger });
});
afterAll(async () => {
  await h.close();
});

describe('log redaction', () => {
  it('never writes admin keys, store keys or ?token= values', async () => {
    const created = await h.request('POST', '/api/admin/stores', { key: ADMIN_KEY, body: { name: 'Log Test' } });
    const { apiKey, storeId } = created.body;
    await h.request('GET', `/api/stores/${storeId}`, { key: apiKey });
    await h.request('GET', `/api/stores/${storeId}?token=${apiKey}`);
    await h.request('GET', `/api/stores/${storeId}`, { key: `${apiKey}-wrong` });
    await h.request('POST', '/api/admin/stores', { key: ADMIN_KEY, body: { name: 'x', apiKey } });
    await h.request('GET', `/nope?token=${apiKey}&key=${ADMIN_KEY}`);

    const log = lines.join('');
    expect(lines.length).toBeGreaterThan(5);
    expect(log).toContain(storeId);
    expect(log).toContain('token=%5BRedacted%5D');
    expect(log).not.toContain(apiKey);
    expect(log).not.toContain(ADMIN_KEY);
  });
});

/** A value that must appear in no log line; long and unique so a partial match is a real leak. */
function secret(label: string): string {
  return `${label}-${randomBytes(12).toString('hex')}`;
}

/** Every form a byte secret could take in a JSON line. */
function byteForms(bytes: Uint8Array): string[] {
  const b = Buffer.from(bytes);
  return [b.toString('base64'), b.toString('hex'), JSON.stringify([...b]).slice(1, -1)];
}

// What axios and the openai SDK throw: headers in a class with toJSON, the request config on the
// error and again on the response.
class FakeAxiosHeaders {
  constructor(headers: Record<string, string>) {
    Object.assign(this, headers);
  }
  toJSON(): Record<string, string> {
    return { ...(this as unknown as Record<string, string>) };
  }
}
class FakeAxiosError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly config: unknown,
    readonly request: unknown,
    readonly response: unknown,
  ) {
    super(message);
    this.name = 'AxiosError';
  }
}

describe('log redaction at any depth, through the real logger', () => {
  it('finds no secret in any line however deep, in errors, arrays, cycles, children and messages', async () => {
    const secrets: string[] = [];
    const s = (label: string) => {
      const value = secret(label);
      secrets.push(value);
      return value;
    };
    const storeKey = `drin_sk_${randomBytes(32).toString('base64url')}`;
    const adminKey = `drin_admin_${randomBytes(24).toString('base64url')}`;
    secrets.push(storeKey, adminKey);
    const creds = initAuthCreds();
    const credBytes = [creds.noiseKey.private, creds.signedIdentityKey.private, creds.signedPreKey.keyPair.private, creds.pairingEphemeralKeyPair.private];
    // Pairing codes as Baileys makes them (8 characters of its Crockford alphabet).
    const pairingCodes = [bytesToCrockford(randomBytes(5)), bytesToCrockford(randomBytes(5))];
    const log = logger.child({ component: 'redaction-test' });

    // Nested plain objects, several spellings of the names.
    log.info({ a: { b: { apiKey: s('nested-apikey') } } }, 'nested');
    log.info({ store: { settings: { webhook: { secret: s('webhook-secret'), url: 'https://hooks.test/x' } } } }, 'webhook');
    log.info({ config: { adminApiKey: s('admin'), secretsKey: s('secrets-key'), database: { password: s('db-pass') } } }, 'config');
    log.info({ headers: { Authorization: `Bearer ${s('hdr')}`, Cookie: `sid=${s('cookie')}`, 'x-api-key': s('xapikey') } }, 'headers');
    log.info({ oauth: { access_token: s('access'), refreshToken: s('refresh') } }, 'tokens');

    // Baileys: the creds object, a creds.update with some of its fields, a QR and a pairing code.
    log.info({ creds }, 'creds');
    log.debug({ update: { noiseKey: creds.noiseKey, signedPreKey: creds.signedPreKey, advSecretKey: creds.advSecretKey } }, 'creds.update');
    const qr = `2@${s('qrref')},${Buffer.from(creds.noiseKey.public).toString('base64')},x,y`;
    log.info({ slot: { qr, qrDataUrl: `data:image/png;base64,${randomBytes(64).toString('base64')}`, pairingCode: pairingCodes[0] } }, 'qr');
    log.info({ outcome: { ok: true, result: { code: pairingCodes[1], status: 'qrcode' } } }, 'pairing command done');
    log.info(`scan https://wa.me/settings/linked_devices#${qr}`);

    // Errors: axios style (config.headers, request.headers, response.config), openai style, causes.
    const axiosErr = new FakeAxiosError(
      `Request failed with Bearer ${s('msg-bearer')}`,
      'ERR_BAD_REQUEST',
      { url: `https://api.test/v1?api_key=${s('url-key')}`, headers: new FakeAxiosHeaders({ Authorization: `Bearer ${s('cfg-auth')}`, Accept: 'application/json' }) },
      { headers: { authorization: `Bearer ${s('req-auth')}` } },
      { status: 401, config: { headers: { Authorization: `Bearer ${s('resp-auth')}` } }, data: { error: 'unauthorized' } },
    );
    log.error({ err: axiosErr }, 'openrouter call failed');
    log.error(axiosErr);
    log.warn({ error: axiosErr, attempt: 2 }, 'retrying');
    log.error({ err: new Error('wrapped', { cause: axiosErr }) }, 'with cause');
    log.error(new Error(`failed with Bearer ${s('plain-bearer')}`));
    log.error({ err: new Error(`connect postgres://drin:${s('url-pass')}@db:5432/drin`) }, 'db down');

    // Arrays, cycles, Drin keys in strings, %o interpolation, child bindings.
    const cyclic: Record<string, unknown> = { name: 'loop', token: s('cycle-token') };
    cyclic.self = cyclic;
    cyclic.list = [cyclic, { password: s('array-pass') }];
    log.info({ cyclic, keys: [storeKey, { nested: [{ apiKey: s('array-key') }] }] }, `created ${storeKey}`);
    log.info('DRIN_API_KEY=%s', adminKey);
    log.info('body %o', { apiKey: s('interp') });
    log.child({ apiKey: s('binding'), nested: { token: s('binding-token') } }).info('child bindings');

    // A 500 through the app: pino-http's child logger and the error middleware log the error.
    const created = await h.request('POST', '/api/admin/stores', { key: ADMIN_KEY, body: { name: 'Err Test' } });
    const original = h.services.stores.get;
    h.services.stores.get = async () => {
      throw axiosErr;
    };
    try {
      const failed = await h.request('GET', `/api/admin/stores/${created.body.storeId}`, { key: ADMIN_KEY, headers: { cookie: `sid=${s('req-cookie')}` } });
      expect(failed.status).toBe(500);
    } finally {
      h.services.stores.get = original;
    }

    const text = lines.join('');
    // The lines still say what happened.
    for (const said of ['openrouter call failed', 'AxiosError', 'ERR_BAD_REQUEST', 'request failed', 'pairing command done', 'https://hooks.test/x', '"attempt":2']) {
      expect(text).toContain(said);
    }
    const leaks = [...secrets, ...credBytes.flatMap(byteForms), Buffer.from(creds.advSecretKey).toString('base64'), creds.advSecretKey, ...pairingCodes].filter((v) => text.includes(v));
    expect(leaks).toEqual([]);
  });
});
