// Run once before all test files (by global-setup.mjs, in a child process: jest's globalSetup
// cannot load ESM TypeScript). Prepares the migrated template database each file copies and prints
// its URL, or nothing when no Postgres server is reachable. The template's name carries a hash of
// the migrations, so a changed migration gets a new one.
import { createHash } from 'node:crypto';
import pg from 'pg';
import { ensureDatabaseExists, dropDatabase, withDatabaseName } from '../../src/db/database-admin.js';
import { applyMigrations, loadMigrationList } from '../../src/db/migrator.js';

const DEFAULT_SERVER = 'postgresql://postgres@127.0.0.1:5432/postgres';

async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

async function prepareTemplate(): Promise<string | undefined> {
  const server = process.env.TEST_DATABASE_URL ?? DEFAULT_SERVER;
  if (!(await reachable(server))) {
    process.stderr.write(`\n[tests] no Postgres at ${new URL(server).host}: every test file uses an embedded Postgres\n`);
    return undefined;
  }
  const migrations = await loadMigrationList();
  const hash = createHash('sha256');
  for (const dir of migrations.migrationDirectories) {
    hash.update(dir.path);
    if (dir.migrationFile.content.tag === 'ok') hash.update(dir.migrationFile.content.value);
  }
  const templateUrl = withDatabaseName(server, `drin_template_${hash.digest('hex').slice(0, 12)}`);
  const created = await ensureDatabaseExists(templateUrl);
  try {
    // Also on an existing template: a no-op when complete, a repair when an earlier run died midway.
    await applyMigrations(templateUrl);
  } catch (err) {
    if (created) await dropDatabase(templateUrl);
    throw err;
  }
  return templateUrl;
}

process.stdout.write((await prepareTemplate()) ?? '');
