// Waiting for a fleet of slots to come back, as WhatsApp (the simulator) sees it: every phone
// logged in again since an instant, and on exactly one connection now.
import type { WhatsAppSimulator } from '../test/wa-sim/index.js';
import { peakInWindow, peakLogins } from '../test/wa-sim/login-log.js';

export interface Comeback {
  /** ms from `since` to the first login since then of the last phone to come back */
  allOpenMs: number;
  /** ms from `since` to the first login of any of them */
  firstLoginMs: number;
  /** logins since `since` (every phone's, retries and other slots included) */
  logins: number;
  /** the most of those logins in any 1 s window */
  peakPerSecond: number;
  /** the most WebSocket connections the simulator accepted in any 1 s window since `since` (the dials) */
  peakConnectsPerSecond: number;
  doubleOpens: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Resolves once every phone in `phones` logged in at or after `since` and has one open connection;
 * `alsoWhile` runs on each poll (a sampler). Throws after `deadlineMs` naming how many are missing.
 */
export async function waitForComeback(sim: WhatsAppSimulator, phones: string[], since: number, deadlineMs: number, alsoWhile?: () => Promise<void>): Promise<Comeback> {
  const waitingFor = new Set(phones);
  const firstLogin = new Map<string, number>();
  const until = Date.now() + deadlineMs;
  for (;;) {
    await alsoWhile?.();
    for (const login of sim.logins({ since })) if (waitingFor.has(login.phone) && !firstLogin.has(login.phone)) firstLogin.set(login.phone, login.at);
    const open = phones.filter((p) => firstLogin.has(p) && sim.phone(p).connectionCount() === 1).length;
    if (open === phones.length) break;
    if (Date.now() > until) throw new Error(`after ${deadlineMs} ms, ${phones.length - open} of ${phones.length} slots were not open again (${phones.length - firstLogin.size} never logged in)`);
    await sleep(200);
  }
  const logins = sim.logins({ since });
  const times = [...firstLogin.values()];
  return {
    allOpenMs: times.length ? Math.max(...times) - since : 0,
    firstLoginMs: times.length ? Math.min(...times) - since : 0,
    logins: logins.length,
    peakPerSecond: peakLogins(logins),
    peakConnectsPerSecond: peakInWindow(sim.connectionTimes({ since })),
    doubleOpens: sim.doubleOpens({ since }),
  };
}

export const seconds = (ms: number) => (ms / 1000).toFixed(1);
