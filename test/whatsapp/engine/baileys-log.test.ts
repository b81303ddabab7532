// The 515 "restart required" after every pairing is a planned restart: Baileys' own "stream
// errored out" line for it must not reach the logs as an error (other stream errors still do).
import { Writable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { baileysLogger } from '../../../src/whatsapp/engine/socket-config.js';
import { linkNewClient } from '../../wa-sim/index.js';
import { useSimulatorSuite } from '../../wa-sim/simulator-suite.js';

const suite = useSimulatorSuite();

function capturingLogger(level: string) {
  const lines: Array<{ level: number; msg: string; component?: string }> = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { log: pino({ level }, stream), lines };
}

describe("Baileys' log of the 515 after pairing", () => {
  it('is not an error: hidden at the default level, info when tracing', async () => {
    const normal = capturingLogger('info');
    const client = suite.track(await linkNewClient(suite.sim, '5511955550001', { logger: baileysLogger(normal.log) }));
    client.end();
    expect(normal.lines.filter((l) => l.level >= 50)).toEqual([]);

    const tracing = capturingLogger('trace');
    suite.track(await linkNewClient(suite.sim, '5511955550002', { logger: baileysLogger(tracing.log) })).end();
    const restart = tracing.lines.filter((l) => l.msg === 'stream errored out');
    expect(restart.map((l) => [l.level, l.component])).toEqual([[30, 'baileys']]);
  });

  it('still reports other stream errors as errors', () => {
    const { log, lines } = capturingLogger('info');
    baileysLogger(log).error({ fullErrorNode: { tag: 'stream:error', attrs: { code: '401' } } }, 'stream errored out');
    expect(lines.map((l) => l.level)).toEqual([50]);
  });
});
