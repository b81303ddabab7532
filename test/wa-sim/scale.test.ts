import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { withDeadline } from './index.js';
import { useSimulatorSuite } from './simulator-suite.js';

const PHONES = 50;
/**
 * 50 clients' curve25519 work, on a machine that may be busy with other work: ~15 s idle, 96 s
 * measured with the CPUs saturated. The test ends as soon as every phone is open; this is only
 * how long it may take before the test says what it waited for.
 */
const LINK_ALL_MS = 180_000;
const CHILD = fileURLToPath(new URL('./many-clients.ts', import.meta.url));

describe('wa-sim: many phones at once', () => {
  const suite = useSimulatorSuite();

  it(`links ${PHONES} phones concurrently and all of them reach open`, async () => {
    // the clients run in a plain node process: see many-clients.ts for why
    const env = { ...process.env, NODE_OPTIONS: '' };
    const args = ['--import', 'tsx', CHILD, suite.sim.url, suite.sim.rootPublicKey.toString('base64'), `${PHONES}`];
    const child = spawn(process.execPath, args, { env, stdio: ['pipe', 'pipe', 'inherit'] });
    const phoneOf = (index: number) => `1555100${String(index).padStart(4, '0')}`;
    const opened = new Set<number>();
    try {
      const summary = await withDeadline(
        new Promise<{ allOpen: number; violations: string[] }>((resolve, reject) => {
          child.once('exit', (code) => reject(new Error(`clients exited early (${code})`)));
          createInterface({ input: child.stdout }).on('line', (line) => {
            const event = JSON.parse(line) as { qr?: number; value?: string; open?: number; allOpen?: number };
            // Each scan waits for its client's answer, queued behind the 49 others' crypto.
            if (event.qr !== undefined) suite.sim.scanQr(event.value!, { phone: phoneOf(event.qr), timeoutMs: LINK_ALL_MS }).catch(reject);
            if (event.open !== undefined) opened.add(event.open);
            if (event.allOpen !== undefined) resolve(event as { allOpen: number; violations: string[] });
          });
        }),
        LINK_ALL_MS,
        `${PHONES} clients to open`,
      );
      expect(summary).toEqual({ allOpen: PHONES, violations: [] });
      expect(opened.size).toBe(PHONES);
      expect(suite.sim.connections()).toBe(PHONES);
      for (let i = 0; i < PHONES; i++) expect(suite.sim.phone(phoneOf(i)).connectionCount()).toBe(1);
    } finally {
      child.stdin.end();
      child.kill();
    }
  }, LINK_ALL_MS + 30_000);
});
