import { describe, expect, it } from '@jest/globals';
import { linkNewClient, pollUntil, TestClient } from './index.js';
import { peakLogins, type Login } from './login-log.js';
import { useSimulatorSuite } from './simulator-suite.js';

describe('wa-sim: the login log', () => {
  const suite = useSimulatorSuite();
  const closedOnServer = (phone: string) =>
    pollUntil(() => (suite.sim.phone(phone).connectionCount() === 0 ? true : undefined), `the server to see ${phone} close`);

  it('records each login; a reconnect after the old socket closed is not a double open', async () => {
    const since = Date.now();
    const first = suite.track(await linkNewClient(suite.sim, '15550003001'));
    const [login] = suite.sim.logins({ since });
    expect(login).toEqual({ phone: '15550003001', device: expect.any(Number), at: expect.any(Number), doubleOpen: false });

    first.end();
    await closedOnServer('15550003001');
    await suite.track(new TestClient(suite.sim.url, first.auth)).waitForOpen();
    suite.sim.drop('15550003001'); // a socket that dies without a goodbye, as a killed process's does
    await closedOnServer('15550003001');
    await suite.track(new TestClient(suite.sim.url, first.auth)).waitForOpen();

    expect(suite.sim.logins({ since }).map((l) => [l.phone, l.device, l.doubleOpen])).toEqual(Array(3).fill(['15550003001', login!.device, false]));
    expect(suite.sim.doubleOpens({ since })).toBe(0);
  });

  it('counts a login while the same device is still open elsewhere as a double open', async () => {
    const client = suite.track(await linkNewClient(suite.sim, '15550003002'));
    const since = Date.now();
    const twin = suite.track(new TestClient(suite.sim.url, client.auth));
    await twin.waitForOpen();
    expect(await client.waitForClose()).toBe(440);
    expect(suite.sim.doubleOpens({ since })).toBe(1);
    expect(suite.sim.logins({ since })).toEqual([expect.objectContaining({ phone: '15550003002', doubleOpen: true })]);
  });

  it('peakLogins slides its window instead of counting clock seconds', () => {
    const at = (ms: number): Login => ({ phone: '1', device: 1, at: ms, doubleOpen: false });
    // Clock seconds hold 1 and 3 of these; the window from 900 ms holds all 4.
    expect(peakLogins([1_800, 900, 1_100, 1_000].map(at))).toBe(4);
    expect(peakLogins([0, 1_000, 2_000].map(at))).toBe(1);
    expect(peakLogins([])).toBe(0);
  });
});
