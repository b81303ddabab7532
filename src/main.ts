// Process entry point: config → logger → daemon, and the signals PM2 sends.
import { ConfigError, loadConfig } from './config/config.js';
import { devKeyNotice } from './config/dev-key-notice.js';
import { devSecretsFile } from './config/dev-secrets.js';
import { withEnvFile } from './config/env-file.js';
import { startDaemon } from './daemon.js';
import { createLogger } from './logging/logger.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(withEnvFile(process.env, process.env.ENV_FILE ?? '.env'));
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\nSee .env.example for every setting.\n`);
      process.exit(78); // EX_CONFIG: PM2 shows it; restarting will not help
    }
    throw err;
  }
  const logger = createLogger({ level: config.logLevel, pretty: process.stdout.isTTY && config.env !== 'production' });
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));

  const daemon = await startDaemon(config, logger).catch((err: unknown) => {
    logger.fatal({ err }, 'drin failed to start');
    process.exit(1);
  });

  if (daemon.generatedAdminKey) {
    // Shown only on an interactive terminal (not into PM2's log files), never in the JSON log.
    process.stdout.write(devKeyNotice({ adminApiKey: daemon.generatedAdminKey, file: devSecretsFile(config.dataDir), url: daemon.url, isTTY: process.stdout.isTTY === true }));
  }

  logger.info({ url: daemon.url, embeddedDatabase: daemon.database.embedded }, 'drin is listening');
  // PM2's wait_ready: a reload counts this process up only now — migrated, listening, slots resuming.
  process.send?.('ready');

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const deadline = setTimeout(() => {
      logger.error({ step: daemon.stopStep(), timeoutMs: config.shutdownTimeoutMs }, 'shutdown took too long; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    deadline.unref();
    daemon
      .stop()
      .then(() => {
        logger.info('stopped');
        process.exit(0);
      })
      .catch((err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

void main();
