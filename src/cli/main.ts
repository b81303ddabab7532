// `npm run cli -- <command>`: the operator's tool on the VPS, over the same database and services
// as the daemon (DATABASE_URL, or the embedded database when the daemon is not running).
import { parseArgs } from 'node:util';
import { createLogger } from '../logging/logger.js';
import { loadConfig } from '../config/config.js';
import { withEnvFile } from '../config/env-file.js';
import { compose } from '../composition.js';
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
  const { services, engine, database } = await compose({ ...config, dbPoolMax: 2 }, createLogger({ level: 'warn' }));
  // Commands only: deleting a store unlinks its slots through whichever daemon runs them (or here,
  // when none does); the CLI itself resumes and takes over nothing.
  await engine.start({ runSlots: false });
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
    } else if (group === 'slots') out(await createSlotsReport(services.stores, services.sessions)(action));
    else {
      out(USAGE);
      return 2;
    }
    return 0;
  } finally {
    await engine.stop();
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
