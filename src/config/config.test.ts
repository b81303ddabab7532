import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from './config.js';

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('defaults to a development daemon on port 3001 with the embedded database', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3001);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.maxSlots).toBe(3);
    expect(config.corsOrigins).toEqual([]);
  });

  it('treats empty values as unset and splits CORS_ORIGINS', () => {
    const config = loadConfig({ DATABASE_URL: '', CORS_ORIGINS: 'https://a.test, https://b.test,' });
    expect(config.databaseUrl).toBeUndefined();
    expect(config.corsOrigins).toEqual(['https://a.test', 'https://b.test']);
  });

  it('names every bad key at once', () => {
    const problems = problemsOf({ PORT: 'eighty', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x/y', MAX_SLOTS: '0' });
    expect(problems.map((p) => p.split(':')[0])).toEqual(expect.arrayContaining(['PORT', 'LOG_LEVEL', 'DATABASE_URL', 'MAX_SLOTS']));
    expect(problems).toHaveLength(4);
  });

  it('requires the database and both secrets in production', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['DATABASE_URL', 'DRIN_API_KEY', 'SECRETS_KEY']);
  });

  it('refuses the WhatsApp simulator settings in production', () => {
    const problems = problemsOf({
      NODE_ENV: 'production',
      DATABASE_URL: 'postgresql://db/drin',
      DRIN_API_KEY: 'a'.repeat(32),
      SECRETS_KEY: 'b'.repeat(32),
      WA_WS_URL: 'ws://127.0.0.1:9999/ws/chat',
      WA_SIMULATOR_ROOT_KEY: Buffer.alloc(32, 1).toString('base64'),
    });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['WA_SIMULATOR_ROOT_KEY', 'WA_WS_URL']);
  });

  it('reads WA_WEB_VERSION as Baileys\' version triple, refreshed by default except in tests and against another endpoint', () => {
    expect(loadConfig({}).whatsapp).toMatchObject({ webVersion: undefined, webVersionRefresh: true });
    expect(loadConfig({ WA_WEB_VERSION: '2.3000.1023456789', WA_WEB_VERSION_REFRESH: 'false' }).whatsapp).toMatchObject({
      webVersion: [2, 3000, 1023456789],
      webVersionRefresh: false,
    });
    expect(loadConfig({ NODE_ENV: 'test' }).whatsapp.webVersionRefresh).toBe(false);
    const simulated = loadConfig({ WA_WS_URL: 'ws://127.0.0.1:9999/ws/chat', WA_WEB_VERSION_REFRESH: 'true' });
    expect(simulated.whatsapp.webVersionRefresh).toBe(false);
    expect(problemsOf({ WA_WEB_VERSION: '2.3000', WA_WEB_VERSION_REFRESH: 'yes' }).map((p) => p.split(':')[0]).sort()).toEqual([
      'WA_WEB_VERSION',
      'WA_WEB_VERSION_REFRESH',
    ]);
  });

  it('rejects short secrets', () => {
    const problems = problemsOf({ DRIN_API_KEY: 'short', SECRETS_KEY: 'short' });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['DRIN_API_KEY', 'SECRETS_KEY']);
  });
});

describe('SECRETS_KEY rotation settings', () => {
  const current = 'c'.repeat(32);
  const old = 'o'.repeat(32);

  it('defaults to key version 1, no previous keys, the pepper from SECRETS_KEY', () => {
    const config = loadConfig({ SECRETS_KEY: current });
    expect(config.secretsKeyVersion).toBe(1);
    expect(config.secretsKeyPrevious).toEqual([]);
    expect(config.apiKeyPepper).toBeUndefined();
  });

  it('parses SECRETS_KEY_PREVIOUS as version:key pairs', () => {
    const config = loadConfig({ SECRETS_KEY: current, SECRETS_KEY_VERSION: '3', SECRETS_KEY_PREVIOUS: `1:${old}, 2:${old}:with:colons`, API_KEY_PEPPER: old });
    expect(config.secretsKeyPrevious).toEqual([{ version: 1, secret: old }, { version: 2, secret: `${old}:with:colons` }]);
  });

  it('refuses a malformed pair without echoing it, a repeated or current version', () => {
    const bad = problemsOf({ SECRETS_KEY: current, SECRETS_KEY_PREVIOUS: 'nokeyhere_0123456789abcdef0123456789' });
    expect(bad.map((p) => p.split(':')[0])).toEqual(['SECRETS_KEY_PREVIOUS']);
    expect(bad.join()).not.toContain('nokeyhere');
    expect(problemsOf({ SECRETS_KEY: current, SECRETS_KEY_PREVIOUS: `1:${old},1:${old}`, SECRETS_KEY_VERSION: '2', API_KEY_PEPPER: old })).toEqual([
      'SECRETS_KEY_PREVIOUS: lists a version twice',
    ]);
    expect(problemsOf({ SECRETS_KEY: current, SECRETS_KEY_PREVIOUS: `1:${old}` })).toEqual(['SECRETS_KEY_PREVIOUS: lists the current SECRETS_KEY_VERSION']);
  });

  it('requires API_KEY_PEPPER once the key version is past 1, so store keys survive the rotation', () => {
    const problems = problemsOf({ SECRETS_KEY: current, SECRETS_KEY_VERSION: '2', SECRETS_KEY_PREVIOUS: `1:${old}` });
    expect(problems.map((p) => p.split(':')[0])).toEqual(['API_KEY_PEPPER']);
    expect(problemsOf({ SECRETS_KEY_VERSION: '2', API_KEY_PEPPER: old }).map((p) => p.split(':')[0])).toEqual(['SECRETS_KEY']);
  });
});
