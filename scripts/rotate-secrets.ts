// `npm run secrets:rotate`: re-seals every WhatsApp auth row (auth_creds, auth_keys) and every
// store's channel secret (settings.channels_secret_enc), webhook secret and headers, and service
// connection secret that is not under the current SECRETS_KEY (SECRETS_KEY_VERSION) — rows of the keys listed in
// SECRETS_KEY_PREVIOUS, and plaintext rows written before encryption — in batches. Safe while
// daemons run (a row a daemon rewrote meanwhile is left as the daemon wrote it) and safe to run
// again: a second run finds nothing to do. Exits 1 when rows are left (unreadable, or written by a
// daemon still on the old configuration), naming them without their contents.
// The procedure around it is in the README ("Rotating SECRETS_KEY").
import { pino } from 'pino';
import { loadConfig } from '../src/config/config.js';
import { resolveSecrets } from '../src/config/dev-secrets.js';
import { withEnvFile } from '../src/config/env-file.js';
import { openDatabase } from '../src/db/database.js';
import { reencryptChannelSecrets } from '../src/channels/index.js';
import { reencryptConnectionSecrets } from '../src/mcp/index.js';
import { reencryptWebhookSecrets } from '../src/webhooks/index.js';
import { reencryptAuthRows } from '../src/whatsapp/engine/auth/index.js';

const config = loadConfig(withEnvFile(process.env, process.env.ENV_FILE ?? '.env'));
const secrets = await resolveSecrets(config);
const database = await openDatabase(
  { databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolMax: 2, migrate: config.migrateOnStart },
  pino({ level: 'warn' }),
);
const out = (line: string) => process.stdout.write(`${line}\n`);
let exitCode = 0;
try {
  const known = [...secrets.keyring.keys.keys()].sort((a, b) => a - b).join(', ');
  out(`current key version ${secrets.keyring.currentVersion}; readable versions: ${known} (and 0, plaintext)`);
  const report = await reencryptAuthRows(database.pool, secrets.keyring, {
    onBatch: ({ table, done }) => out(`  ${table}: ${done} re-sealed`),
  });
  out(`re-sealed ${report.creds} creds rows and ${report.keys} key rows; ${report.changedMeanwhile} rewritten by a daemon meanwhile`);
  for (const f of report.failed) out(`  does not open: ${f.table} store ${f.storeId} slot ${f.slot}${f.type ? ` ${f.type} ${f.keyId}` : ''} (version ${f.keyVersion}): ${f.reason}`);
  const channels = await reencryptChannelSecrets(database.prisma, secrets.keyring);
  out(`re-sealed ${channels.resealed} channel secrets; ${channels.changedMeanwhile} replaced by their store meanwhile`);
  for (const f of channels.failed) out(`  does not open: the channel secret of store ${f.storeId} (version ${f.keyVersion}): ${f.reason}`);
  if (channels.failed.length > 0) {
    out(`${channels.failed.length} channel secrets do not open: restore the key of the version named, or make the stores a new secret`);
    exitCode = 1;
  }
  const hooks = await reencryptWebhookSecrets(database.prisma, secrets.keyring);
  out(`re-sealed ${hooks.resealed} webhook secrets; ${hooks.changedMeanwhile} changed by their store meanwhile`);
  for (const f of hooks.failed) out(`  does not open: webhook ${f.webhookId} of store ${f.storeId} (version ${f.keyVersion}): ${f.reason}`);
  if (hooks.failed.length > 0) {
    out(`${hooks.failed.length} webhooks do not open: restore the key of the version named, or give those hooks a new secret (PATCH …/webhooks/:id)`);
    exitCode = 1;
  }
  const connections = await reencryptConnectionSecrets(database.prisma, secrets.keyring);
  out(`re-sealed ${connections.resealed} connection secrets; ${connections.changedMeanwhile} replaced by their store meanwhile`);
  for (const f of connections.failed) out(`  does not open: connection ${f.connectionId} of store ${f.storeId} (version ${f.keyVersion}): ${f.reason}`);
  if (connections.failed.length > 0) {
    out(`${connections.failed.length} connection secrets do not open: restore the key of the version named, or give those connections a new secret (PATCH …/connections/:id)`);
    exitCode = 1;
  }
  if (report.remaining > 0) {
    out(`${report.remaining} rows are still not under key version ${secrets.keyring.currentVersion}: fix the rows or keys named above, restart every daemon on the new configuration, and run this again`);
    exitCode = 1;
  } else if (exitCode === 0) {
    out('every auth row is under the current key, and every channel, webhook and connection secret: SECRETS_KEY_PREVIOUS can be removed');
  }
} finally {
  await database.close();
}
process.exit(exitCode);
