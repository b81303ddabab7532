import { describe, expect, it } from '@jest/globals';
import { redactUrl } from './logger.js';

/** The real logger writing into a string, as a test reads it. */
async function capturedLogger() {
  const { Writable } = await import('node:stream');
  const { createLogger } = await import('./logger.js');
  let out = '';
  const sink = new Writable({
    write(chunk, _enc, done) {
      out += chunk.toString();
      done();
    },
  });
  return { log: createLogger({ level: 'info' }, sink), output: () => out };
}

describe('redactUrl', () => {
  it('hides secret query parameters and keeps the rest', () => {
    expect(redactUrl('/api/mcp/whatsapp?token=abc123&provider=x')).toBe('/api/mcp/whatsapp?token=%5BRedacted%5D&provider=x');
    expect(redactUrl('/x?API_KEY=1')).toBe('/x?API_KEY=%5BRedacted%5D');
    expect(redactUrl('/health')).toBe('/health');
  });
});

describe('createLogger', () => {
  it('redacts secret fields and authorization headers wherever a call site logs them', async () => {
    const { log, output } = await capturedLogger();
    log.info({ store: { apiKey: 'k-123' }, token: 't-456', req: { headers: { authorization: 'Bearer b-789' } } }, 'hello');
    expect(output()).toContain('hello');
    for (const secret of ['k-123', 't-456', 'b-789']) expect(output()).not.toContain(secret);
  });
});

describe('createLogger wiring that leans on pino internals', () => {
  // serializers.msg and onChild + pino.symbols.chindingsSym: if a pino upgrade changes either,
  // this fails here rather than a secret reaching a log.
  it('cleans messages taken from an error, interpolated values and child bindings', async () => {
    const { log, output } = await capturedLogger();
    log.error(new Error('failed with Bearer m-1234567890'));
    log.info('key %s and %o', 'drin_sk_abcdefghijklmnopqrstuvwxyz', { token: 'i-456' });
    log.child({ storeId: 's1' }).child({ a: { secret: 'c-789' } }).info('child');
    const lines = output().trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatchObject({ storeId: 's1', a: { secret: '[Redacted]' }, msg: 'child' });
    for (const secret of ['m-1234567890', 'abcdefghijklmnopqrstuvwxyz', 'i-456', 'c-789']) expect(output()).not.toContain(secret);
  });
});
