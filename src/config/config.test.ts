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
