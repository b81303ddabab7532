// `npm run db:new-migration -- <name> [--from <old schema file>]`: writes
// prisma/migrations/<timestamp>_<name>/migration.sql with the SQL from the old schema (default:
// prisma/schema.prisma as last committed, `git show HEAD:prisma/schema.prisma`) to the current
// one. Offline: the wasm schema engine computes the diff. The drift test in test/db fails when
// the migrations and schema.prisma disagree, so a missed migration cannot land.
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { diffSchemas, MIGRATIONS_DIR, SCHEMA_PATH } from '../src/db/migrator.js';

const [name, flag, fromFile] = process.argv.slice(2);
if (!name || !/^[a-z0-9_]+$/.test(name) || (flag !== undefined && (flag !== '--from' || !fromFile))) {
  process.stderr.write('usage: npm run db:new-migration -- <snake_case_name> [--from <old schema.prisma>]\n');
  process.exit(2);
}
const oldSchema = fromFile ? await readFile(fromFile, 'utf8') : execFileSync('git', ['show', 'HEAD:prisma/schema.prisma'], { encoding: 'utf8' });
const newSchema = await readFile(SCHEMA_PATH, 'utf8');
// The engine needs some database connection to start; the diff itself reads none.
const server = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const sql = await diffSchemas(server, oldSchema, newSchema);
if (!sql.trim() || /empty migration/i.test(sql)) {
  process.stdout.write('no schema change: nothing to write\n');
} else {
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  const dir = path.join(MIGRATIONS_DIR, `${stamp}_${name}`);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'migration.sql'), sql);
  process.stdout.write(`wrote ${path.relative(process.cwd(), dir)}/migration.sql\n`);
}
