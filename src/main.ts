// Process entry point: config → logger → daemon, and the signals PM2 sends.
import { ConfigError, loadConfig } from './config/config.js';
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
    // Printed to the terminal, never into the structured log: this is its one showing.
    process.stdout.write(
      `\n  A development admin key was generated (kept in ${config.dataDir}/dev-secrets.json):\n\n` +
        `    DRIN_API_KEY=${daemon.generatedAdminKey}\n\n` +
        `  Create a store:\n    curl -s -X POST ${daemon.url}/api/admin/stores -H "Authorization: Bearer $DRIN_API_KEY" -H 'Content-Type: application/json' -d '{"name":"My Store"}'\n\n`,
    );
  }

  logger.info({ url: daemon.url, embeddedDatabase: daemon.database.embedded }, 'drin is listening');

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const deadline = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
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
