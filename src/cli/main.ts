// `npm run cli -- <command>`: the operator's tool on the VPS, over the same database and services
// as the daemon (DATABASE_URL, or the embedded database when the daemon is not running).
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { loadConfig } from '../config/config.js';
import { withEnvFile } from '../config/env-file.js';
import { resolveSecrets } from '../config/dev-secrets.js';
import { openDatabase } from '../db/database.js';
import { createServices } from '../services.js';
import { createSlotsRepo } from '../whatsapp/engine/index.js';
import { createSlotsReport } from './slots-report.js';

const USAGE = `usage: npm run cli -- <command>

  stores create <name>        create a store; prints its apiKey (shown once)
  stores list                 list stores
  stores rotate <storeId>     issue a new apiKey; the old one stops working at once
  stores delete <storeId> --yes
                              delete a store and everything it owns
  slots [storeId]             print the WhatsApp slots and their status
`;

function out(value: unknown): void {
  process.stdout.write(`${typeof value === 'string' ? value : JSON.stringify(value, null, 2)}\n`);
}

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, options: { yes: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  const [group, action, arg] = positionals;
  if (values.help || !group) {
    out(USAGE);
    return values.help ? 0 : 2;
  }
  const config = loadConfig(withEnvFile(process.env, process.env.ENV_FILE ?? '.env'));
  const secrets = await resolveSecrets(config);
  const database = await openDatabase(
    { databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolMax: 2, migrate: config.migrateOnStart },
    pino({ level: 'warn' }),
  );
  const services = createServices(database.prisma, secrets.apiKeyPepperSecret);
  const ctx = { actor: 'cli' as const };
  try {
    if (group === 'stores' && action === 'create' && arg) out(await services.stores.create(arg, ctx));
    else if (group === 'stores' && action === 'list') out((await services.stores.list(200)).data);
    else if (group === 'stores' && action === 'rotate' && arg) out(await services.stores.rotateKey(arg, ctx));
    else if (group === 'stores' && action === 'delete' && arg) {
      if (!values.yes) {
        process.stderr.write(`refusing to delete ${arg} without --yes (it removes the store's sessions, CRM and history)\n`);
        return 2;
      }
      await services.stores.remove(arg, ctx);
      out(`deleted ${arg}`);
    } else if (group === 'slots') out(await createSlotsReport(database.prisma, createSlotsRepo(database.prisma, database.pool), config.maxSlots)(action));
    else {
      out(USAGE);
      return 2;
    }
    return 0;
  } finally {
    await database.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
