// `npm run cli -- <command>`: the operator's tool on the VPS, over the same database and services
// as the daemon (DATABASE_URL, or the embedded database when the daemon is not running).
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { createLogger } from '../logging/logger.js';
import { loadConfig, type Config } from '../config/config.js';
import { withEnvFile } from '../config/env-file.js';
import { compose } from '../composition.js';
import { openDatabase } from '../db/database.js';
import { AppError } from '../kernel/index.js';
import { createDoctorRepo } from './doctor.repo.js';
import { formatChecks, runDoctor } from './doctor.js';
import { printSlotQr } from './slot-qr.js';
import { createSlotsReport } from './slots-report.js';

const USAGE = `usage: npm run cli -- <command>

  stores create <name>        create a store; prints its apiKey (shown once)
  stores list                 list stores
  stores rotate <storeId>     issue a new apiKey; the old one stops working at once
  stores delete <storeId> --yes
                              delete a store and everything it owns
  slots [storeId]             print the WhatsApp slots and their status
  qr <storeId> <slot> [--watch]
                              print the slot's current QR in the terminal, to scan on the phone
                              (exit 3 when it has none: connected, or not started); --watch draws
                              each new one and ends when the slot connects (exit 0)
  send <storeId> <to> <text…> [--slot N]
                              queue a text through the send API's queue and limits (exit 3 if refused)
  doctor [--url <public url>] [--json]
                              check the database, migrations, clocks, disk, PM2, the site through
                              Nginx and the WhatsApp Web version (exit 1 when a check fails)

Exit codes: 0 done, 1 failed, 2 usage, 3 refused (the message says why).
`;

/** The project folder (src/ or dist/ sits in it). */
const ROOT = path.resolve(import.meta.dirname, '../..');

async function doctor(config: Config, url: string | undefined, json: boolean): Promise<number> {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolMax: 2, migrate: false }, createLogger({ level: 'silent' }));
  try {
    const results = await runDoctor({ config, repo: createDoctorRepo(database.prisma), publicUrl: url, root: ROOT });
    out(json ? results : formatChecks(results));
    return results.some((r) => r.status === 'fail') ? 1 : 0;
  } finally {
    await database.close();
  }
}

function out(value: unknown): void {
  process.stdout.write(`${typeof value === 'string' ? value : JSON.stringify(value, null, 2)}\n`);
}

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { yes: { type: 'boolean' }, help: { type: 'boolean', short: 'h' }, url: { type: 'string' }, json: { type: 'boolean' }, slot: { type: 'string' }, watch: { type: 'boolean' } },
  });
  const [group, action, arg, ...rest] = positionals;
  if (values.help || !group) {
    out(USAGE);
    return values.help ? 0 : 2;
  }
  const config = loadConfig(withEnvFile(process.env, process.env.ENV_FILE ?? '.env'));
  // Before anything that would migrate the database: the doctor reports what it finds.
  if (group === 'doctor') return doctor(config, values.url, values.json === true);
  // Log lines to stderr: stdout is the command's answer (JSON a script can parse).
  const { services, engine, database, feed } = await compose({ ...config, dbPoolMax: 2 }, createLogger({ level: 'warn' }, pino.destination(2)));
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
    else if (group === 'qr' && action && arg && /^\d+$/.test(arg)) return await printSlotQr({ sessions: services.sessions, feed, out }, { storeId: action, slot: Number(arg) }, { watch: values.watch === true });
    else if (group === 'send' && action && arg && rest.length) {
      const slot = values.slot !== undefined ? Number(values.slot) : undefined;
      out(await services.outbound.send(action, { type: 'text', to: arg, text: rest.join(' '), ...(slot !== undefined ? { slot } : {}) }));
    } else {
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
    // A refusal the caller can act on (no such store, no QR, a number that is no number) is not a crash.
    process.exit(err instanceof AppError && err.status < 500 ? 3 : 1);
  },
);
