// `npm run db:migrate`: applies prisma/migrations to DATABASE_URL (creating the database if it
// does not exist), recording them in _prisma_migrations as `prisma migrate deploy` would.
// Without DATABASE_URL it migrates the embedded database under DATA_DIR.
import { loadConfig } from '../src/config/config.js';
import { withEnvFile } from '../src/config/env-file.js';
import { ensureDatabaseExists } from '../src/db/database-admin.js';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres.js';
import { applyMigrations } from '../src/db/migrator.js';

const config = loadConfig(withEnvFile(process.env, process.env.ENV_FILE ?? '.env'));
const embedded = config.databaseUrl ? undefined : await startEmbeddedPostgres(config.dataDir);
try {
  const url = config.databaseUrl ?? embedded!.url;
  if (!embedded && (await ensureDatabaseExists(url))) process.stdout.write('created the database\n');
  const applied = await applyMigrations(url);
  process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'no pending migrations\n');
} finally {
  await embedded?.stop();
}
