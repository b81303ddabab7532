// A key must never reach the log: drive real requests carrying keys in every place a client
// might put them and search everything the logger wrote.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createLogger } from '../../src/logging/logger.js';
import { ADMIN_KEY, startAppHarness, type AppHarness } from '../support/app-harness.js';

const lines: string[] = [];
const sink = new Writable({
  write(chunk, _enc, done) {
    lines.push(chunk.toString());
    done();
  },
});

let h: AppHarness;
beforeAll(async () => {
  h = await startAppHarness({ logger: createLogger({ level: 'trace' }, sink) });
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
