import { afterAll, beforeAll, expect } from '@jest/globals';
import { installLoopbackGuard } from './loopback-guard.js';
import { startSimulator, type SimulatorOptions, type WhatsAppSimulator } from './simulator.js';
import { trustSimulatorRoot } from './cert-chain.js';
import { TestClient } from './test-client.js';

/** libsignal narrates session changes on console.info/warn; tests do not need the noise. */
const LIBSIGNAL_CHATTER = /^(Closing session|Opening session|Closing open session|Removing old closed session|Session already)/;

/**
 * Baileys 7.0.0-rc14 leaves timers behind: every pre-key upload races a 30 s setTimeout it never
 * clears, and a query in flight when the socket ends waits out its full timeout. Either keeps the
 * test process alive long after its last test. Timers of 5 s or more made during the suite are
 * unref'd so they cannot hold the process open; they still fire while it runs.
 */
function unrefLongTimers(): () => void {
  const original = globalThis.setTimeout;
  const unrefing = (callback: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const timer = original(callback, ms, ...args);
    if ((ms ?? 0) >= 5_000) timer.unref();
    return timer;
  };
  globalThis.setTimeout = Object.assign(unrefing, original) as typeof setTimeout;
  return () => {
    globalThis.setTimeout = original;
  };
}

export interface SimulatorSuite {
  sim: WhatsAppSimulator;
  /** clients registered here are ended after the suite */
  track(client: TestClient): TestClient;
}

/**
 * Jest hooks for a test file that runs against one simulator: starts it, trusts its root, guards
 * against non-loopback connections (asserted at the end), quiets libsignal, and cleans up.
 */
export function useSimulatorSuite(options: SimulatorOptions = {}): SimulatorSuite {
  const clients: TestClient[] = [];
  const suite = { sim: undefined as unknown as WhatsAppSimulator, track: (c: TestClient) => (clients.push(c), c) };
  const guard = installLoopbackGuard();
  const { info, warn } = console;
  let untrust = () => {};
  let restoreTimers = () => {};

  beforeAll(async () => {
    const quiet = (log: (...a: unknown[]) => void) => (first?: unknown, ...rest: unknown[]) =>
      typeof first === 'string' && LIBSIGNAL_CHATTER.test(first) ? undefined : log(first, ...rest);
    console.info = quiet(info);
    console.warn = quiet(warn);
    restoreTimers = unrefLongTimers();
    suite.sim = await startSimulator(options);
    untrust = trustSimulatorRoot(suite.sim.rootPublicKey);
  });

  afterAll(async () => {
    for (const client of clients) client.end();
    await suite.sim?.close();
    untrust();
    guard.uninstall();
    console.info = info;
    console.warn = warn;
    restoreTimers();
    expect(guard.violations).toEqual([]);
  });

  return suite;
}
