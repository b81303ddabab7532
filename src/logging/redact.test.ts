import { describe, expect, it } from '@jest/globals';
import { CENSOR, isSecretName, redactForLog, scrubString } from './redact.js';

describe('isSecretName', () => {
  it('knows secret names in any case and separator style, and leaves ordinary names', () => {
    for (const name of ['authorization', 'Authorization', 'proxy-authorization', 'apiKey', 'x-api-key', 'API_KEY', 'adminApiKey', 'secretsKey', 'token', 'accessToken', 'refresh_token', 'secret', 'webhookSecret', 'client_secret', 'password', 'cookie', 'set-cookie', 'creds', 'qr', 'qrDataUrl', 'pairingCode', 'noiseKey', 'signedPreKey', 'pre-key', 'sender-key', 'app-state-sync-key', 'pairingEphemeralKeyPair', 'apiKeyPepper']) {
      expect([name, isSecretName(name)]).toEqual([name, true]);
    }
    for (const name of ['storeId', 'slot', 'key', 'keyId', 'apiKeyLast4', 'status', 'code', 'message', 'prompt_tokens', 'remoteJid', 'url']) {
      expect([name, isSecretName(name)]).toEqual([name, false]);
    }
  });
});

describe('scrubString', () => {
  it('removes bearer tokens, Drin keys, secret URL parameters, URL passwords and QR payloads', () => {
    const key = `drin_sk_${'A1b2_C3d-'.repeat(5)}`;
    expect(scrubString('request failed with Bearer eyJhbGciOiJIUzI1NiJ9.abc.def')).toBe(`request failed with Bearer ${CENSOR}`);
    expect(scrubString(`DRIN_API_KEY=${key} and drin_admin_${'x'.repeat(32)}`)).toBe(`DRIN_API_KEY=drin_sk_${CENSOR} and drin_admin_${CENSOR}`);
    expect(scrubString('GET https://h/api?provider=x&token=abc123&API_KEY=zz failed')).toBe(`GET https://h/api?provider=x&token=${CENSOR}&API_KEY=${CENSOR} failed`);
    expect(scrubString('connect postgres://drin:hunter2@db:5432/drin refused')).toBe(`connect postgres://drin:${CENSOR}@db:5432/drin refused`);
    expect(scrubString(`qr data:image/png;base64,${'iVBORw0KGgo'.repeat(4)}`)).toBe(`qr data:image/png;base64,${CENSOR}`);
    expect(scrubString('https://wa.me/settings/linked_devices#2@abc,noise,ident,adv,1')).toBe(`https://wa.me/settings/linked_devices#${CENSOR}`);
  });

  it('leaves ordinary text, and text redactUrl already cleaned, unchanged', () => {
    for (const s of ['socket closed', 'Missing Authorization: Bearer <apiKey>', 'GET /api/stores/x?token=%5BRedacted%5D', 'http://127.0.0.1:3000/health', 'slot status qrcode']) {
      expect(scrubString(s)).toBe(s);
    }
  });
});

describe('redactForLog', () => {
  it('censors secret-named keys at any depth, inside arrays too', () => {
    const out = redactForLog({ a: { b: { apiKey: 'k1', c: [{ d: { token: 't1' } }] } }, keep: 1 });
    expect(out).toEqual({ a: { b: { apiKey: CENSOR, c: [{ d: { token: CENSOR } }] } }, keep: 1 });
  });

  it('keeps numbers, flags and empty values under secret names (a fencing token, a count)', () => {
    expect(redactForLog({ fencingToken: 7, token: '', secret: null, hasPassword: true, password: false })).toEqual({ fencingToken: 7, token: '', secret: null, hasPassword: true, password: false });
  });

  it('returns the very object when there is nothing to hide (no copy on the hot path)', () => {
    const clean = { storeId: 's', slot: 1, nested: { list: [1, 'two', { three: 3 }] }, at: new Date(0), bytes: Buffer.from('x') };
    expect(redactForLog(clean)).toBe(clean);
  });

  it('never mutates what the caller logged', () => {
    const input = { creds: { noiseKey: 'n' }, nested: { password: 'p' } };
    redactForLog(input);
    expect(input).toEqual({ creds: { noiseKey: 'n' }, nested: { password: 'p' } });
  });

  it('survives cycles and bounds depth', () => {
    const cyc: Record<string, unknown> = { secret: 's' };
    cyc.self = cyc;
    expect(redactForLog(cyc)).toEqual({ secret: CENSOR, self: '[Circular]' });
    let deep: Record<string, unknown> = { apiKey: 'deep-secret' };
    for (let i = 0; i < 50; i++) deep = { next: deep };
    expect(JSON.stringify(redactForLog(deep))).not.toContain('deep-secret');
  });

  it('keeps an error readable (class, message, stack) and cleans its config, request, response and cause', () => {
    class HttpError extends Error {}
    const cause = new Error('upstream said Bearer cause-token-123');
    const err = Object.assign(new HttpError('POST failed with Bearer sk-or-v1-abcdef', { cause }), {
      code: 'ERR_BAD_RESPONSE',
      config: { url: 'https://api/x?api_key=q1', headers: { Authorization: 'Bearer h1-secret', 'Content-Type': 'application/json' } },
      request: { headers: { authorization: 'Bearer r1-secret' } },
      response: { status: 401, config: { headers: { 'X-Api-Key': 'x1-secret' } } },
    });
    const out = redactForLog({ err }).err as HttpError & Record<string, any>;
    expect(out).toBeInstanceOf(HttpError);
    expect(out.type).toBe('HttpError');
    expect(out.message).toBe(`POST failed with Bearer ${CENSOR}`);
    expect(out.stack).toContain('redact.test');
    expect(out.code).toBe('ERR_BAD_RESPONSE');
    expect(out.config.headers).toEqual({ Authorization: CENSOR, 'Content-Type': 'application/json' });
    expect(out.config.url).toBe(`https://api/x?api_key=${CENSOR}`);
    expect(out.response.status).toBe(401);
    expect((out.cause as Error).message).toBe(`upstream said Bearer ${CENSOR}`);
    const printed = JSON.stringify(out);
    for (const secret of ['sk-or-v1', 'h1-secret', 'r1-secret', 'x1-secret', 'q1', 'cause-token']) expect(printed).not.toContain(secret);
    expect(err.config.headers.Authorization).toBe('Bearer h1-secret');
  });

  it('cleans what toJSON would print (header classes such as AxiosHeaders)', () => {
    class Headers {
      constructor(private readonly map: Record<string, string>) {}
      toJSON() {
        return { ...this.map };
      }
    }
    expect(redactForLog({ headers: new Headers({ Authorization: 'Bearer zz-secret-123', accept: '*/*' }) })).toEqual({ headers: { Authorization: CENSOR, accept: '*/*' } });
  });

  it("hides a pairing code but not an error's code", () => {
    expect(redactForLog({ result: { code: 'ABCD1234', status: 'qrcode' } })).toEqual({ result: { code: CENSOR, status: 'qrcode' } });
    expect(redactForLog({ pairing: { code: 'whatever' } })).toEqual({ pairing: { code: CENSOR } });
    expect(redactForLog({ code: 'CONFLICT', err: { code: 'P2002' } })).toEqual({ code: 'CONFLICT', err: { code: 'P2002' } });
  });
});
