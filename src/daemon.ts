// Starts and stops the whole daemon in order: composition (secrets → database → repositories →
// services → engine → HTTP app) → engine (its boot resume goes on in the background) →
// listening. Shutdown runs in reverse and is bounded, so PM2's kill_timeout is never reached.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { compose, type Composition, type CompositionOverrides } from './composition.js';
import type { Config } from './config/config.js';
import { resolveWaWebVersion } from './whatsapp/engine/index.js';

export interface RunningDaemon extends Composition {
  url: string;
  /** Set only when the admin key was generated on this start. */
  generatedAdminKey?: string;
  stop(): Promise<void>;
  /** The shutdown step under way, for the log line when shutdown overruns its deadline. */
  stopStep(): string;
}

export type DaemonOverrides = CompositionOverrides;

export async function startDaemon(config: Config, logger: Logger, overrides: DaemonOverrides = {}): Promise<RunningDaemon> {
  // Asked once per boot, before any socket opens (never in tests: the config turns it off there).
  const waWebVersion = await resolveWaWebVersion(
    { configured: config.whatsapp.webVersion, refresh: config.whatsapp.webVersionRefresh },
    logger.child({ component: 'wa-version' }),
  );
  const parts = await compose(config, logger, { ...overrides, engine: { waWebVersion, ...overrides.engine } });
  const { app, engine, database } = parts;
  try {
    await engine.start();
  } catch (err) {
    await database.close();
    throw err;
  }
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.port, config.host, () => resolve(s));
    s.once('error', reject);
  }).catch(async (err) => {
    await engine.stop();
    await database.close();
    throw err;
  });
  // Channel sends due (retries, other processes' sends, lapsed leases) are found by a periodic scan.
  parts.services.channels.start();
  // Bot turns due (bursts other processes scheduled, retries, lapsed leases) are found the same way.
  parts.services.bot.start();
  // Webhook deliveries due (retries, other processes' events, lapsed leases) too.
  parts.services.webhooks.worker.start();
  // Housekeeping: every process schedules it; job_runs lets one run each occurrence.
  parts.services.jobs.scheduler.start();
  // Keep-alive longer than Nginx's upstream keepalive so Nginx never reuses a closed socket.
  server.keepAliveTimeout = 65_000;
  const { port } = server.address() as AddressInfo;
  let stopStep = 'not stopping';

  return {
    ...parts,
    url: `http://${config.host}:${port}`,
    generatedAdminKey: parts.secrets.generatedAdminKey,
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const step = async (name: string, run: () => Promise<unknown>) => {
        stopStep = name;
        await run();
      };
      // Sends under way finish before their sockets close; queued ones stay queued for next time.
      // Turns under way finish (or are left to their lease) while their sends can still be queued.
      await step('jobs', () => parts.services.jobs.scheduler.stop());
      await step('bot turns', () => parts.services.bot.stop());
      await step('sends', () => parts.sends.stop());
      await step('engine', () => engine.stop());
      // Downloads under way finish (or are left to their lease) before the database closes.
      await step('media downloads', () => parts.services.media.stop());
      await step('channel sends', () => parts.services.channels.stop());
      // Deliveries under way finish (or are left to their lease); the rest wait in the outbox.
      await step('webhook deliveries', () => parts.services.webhooks.worker.stop());
      // Live event streams never end on their own.
      server.closeAllConnections();
      await step('http server', () => closed);
      await step('database', () => database.close());
      stopStep = 'stopped';
    },
    stopStep: () => stopStep,
  };
}
