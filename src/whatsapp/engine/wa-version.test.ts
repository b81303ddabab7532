import { Writable } from 'node:stream';
import { DEFAULT_CONNECTION_CONFIG } from '@whiskeysockets/baileys';
import { describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { bundledWaVersion, resolveWaWebVersion, type PublishedVersionSource, type WAVersion } from './wa-version.js';

function capturingLogger() {
  const lines: Array<{ level: number; msg: string; [k: string]: unknown }> = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { log: pino({ level: 'info' }, stream), lines };
}

/** A stand-in for web.whatsapp.com that counts its calls (tests never reach the network). */
function source(answer: (signal: AbortSignal) => Promise<WAVersion>): PublishedVersionSource & { calls: number } {
  const fn = Object.assign((signal: AbortSignal) => (fn.calls++, answer(signal)), { calls: 0 });
  return fn;
}

describe('resolveWaWebVersion', () => {
  it("defaults to the version the installed Baileys ships, read from Baileys", () => {
    expect(bundledWaVersion()).toEqual(DEFAULT_CONNECTION_CONFIG.version);
  });

  it('announces the setting (or Baileys\' own) without asking anyone when refresh is off', async () => {
    const { log, lines } = capturingLogger();
    const published = source(async () => [2, 3000, 9]);
    expect(await resolveWaWebVersion({ configured: [2, 3000, 5], refresh: false }, log, published)).toEqual([2, 3000, 5]);
    expect(await resolveWaWebVersion({ configured: undefined, refresh: false }, log, published)).toEqual(bundledWaVersion());
    expect(published.calls).toBe(0);
    expect(lines.map((l) => l.source)).toEqual(['WA_WEB_VERSION', 'baileys']);
  });

  it("takes WhatsApp's published version when refresh is on, but never an older one than the setting", async () => {
    const { log } = capturingLogger();
    expect(await resolveWaWebVersion({ configured: [2, 3000, 5], refresh: true }, log, source(async () => [2, 3000, 9]))).toEqual([2, 3000, 9]);
    expect(await resolveWaWebVersion({ configured: [2, 3001, 1], refresh: true }, log, source(async () => [2, 3000, 9]))).toEqual([2, 3001, 1]);
  });

  it('falls back to the setting with a warning when WhatsApp fails or does not answer in time', async () => {
    const { log, lines } = capturingLogger();
    const failing = source(async () => {
      throw new Error('getaddrinfo ENOTFOUND web.whatsapp.com');
    });
    expect(await resolveWaWebVersion({ configured: [2, 3000, 5], refresh: true }, log, failing)).toEqual([2, 3000, 5]);
    let aborted = false;
    const hanging = source(
      (signal) =>
        new Promise<WAVersion>(() => {
          signal.addEventListener('abort', () => (aborted = true));
        }),
    );
    const startedAt = Date.now();
    expect(await resolveWaWebVersion({ configured: undefined, refresh: true, timeoutMs: 200 }, log, hanging)).toEqual(bundledWaVersion());
    expect(Date.now() - startedAt).toBeLessThan(10_000);
    expect(aborted).toBe(true);
    const nonsense = source(async () => [2, Number.NaN, 1] as WAVersion);
    expect(await resolveWaWebVersion({ configured: [2, 3000, 5], refresh: true }, log, nonsense)).toEqual([2, 3000, 5]);
    const warnings = lines.filter((l) => l.level === 40);
    expect(warnings).toHaveLength(3);
    expect(warnings.map((w) => w.version)).toEqual(['2.3000.5', bundledWaVersion().join('.'), '2.3000.5']);
    expect(warnings[0]!.msg).toMatch(/WA_WEB_VERSION/);
  });
});
