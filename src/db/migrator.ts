// Applies prisma/migrations with Prisma's own schema engine compiled to wasm, so migrations need
// no network (the native engine is a download) and are recorded in `_prisma_migrations` exactly
// as `prisma migrate deploy` records them: a VPS with network can use either tool.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type { MigrationList, SchemaEngine, SchemaFilter } from '@prisma/schema-engine-wasm';
import type { Logger } from 'pino';

export const MIGRATIONS_DIR = path.resolve(import.meta.dirname, '../../prisma/migrations');
export const SCHEMA_PATH = path.resolve(import.meta.dirname, '../../prisma/schema.prisma');

const NO_FILTERS: SchemaFilter = { externalTables: [], externalEnums: [] };

/**
 * Runs `work` with the wasm schema engine connected to a database, then frees the engine and
 * closes the pool (we own the pool: the engine does not end it, and an idle pool would keep the
 * process alive).
 */
async function withEngine<T>(databaseUrl: string, log: Logger | undefined, work: (engine: SchemaEngine) => Promise<T>): Promise<T> {
  // Imported lazily: the wasm module needs --experimental-wasm-modules on Node 20 and only
  // migrations use it.
  const { SchemaEngine: Engine } = await import('@prisma/schema-engine-wasm');
  const schema = await readFile(SCHEMA_PATH, 'utf8');
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  const adapter = bindMigrationAwareSqlAdapterFactory(new PrismaPg(pool));
  const onEngineLog = (line: string) => log?.debug({ component: 'schema-engine' }, line);
  const restoreTimers = unrefTimersWhile();
  const engine = await Engine.new({ datamodels: [[SCHEMA_PATH, schema]] }, onEngineLog, adapter);
  try {
    return await work(engine);
  } finally {
    engine.free();
    restoreTimers();
    await pool.end();
  }
}

/**
 * The wasm engine arms a 10 s timer of its own (through the global setTimeout) that it never
 * clears, which keeps a process or a test worker alive after migrating. Timers armed while the
 * engine works are unref'd so they cannot hold the process open; nothing else runs then (boot,
 * the migrate script, a migration test).
 */
function unrefTimersWhile(): () => void {
  const original = globalThis.setTimeout;
  const unrefing = ((...args: Parameters<typeof setTimeout>) => original(...args).unref()) as typeof setTimeout;
  globalThis.setTimeout = Object.assign(unrefing, original);
  return () => {
    globalThis.setTimeout = original;
  };
}

/** Reads the migrations folder the way the Prisma CLI does. */
export async function loadMigrationList(dir = MIGRATIONS_DIR): Promise<MigrationList> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const names = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  const migrationDirectories = await Promise.all(
    names.map(async (name) => ({
      path: name,
      migrationFile: {
        path: 'migration.sql',
        content: { tag: 'ok' as const, value: await readFile(path.join(dir, name, 'migration.sql'), 'utf8') },
      },
    })),
  );
  const lockPath = path.join(dir, 'migration_lock.toml');
  const lockContent = await readFile(lockPath, 'utf8').catch(() => null);
  return {
    baseDir: dir,
    lockfile: { path: 'migration_lock.toml', content: lockContent },
    shadowDbInitScript: '',
    migrationDirectories,
  };
}

/** Applies every migration not yet recorded; returns the names applied (empty when up to date). */
export async function applyMigrations(databaseUrl: string, log?: Logger): Promise<string[]> {
  const migrationsList = await loadMigrationList();
  return withEngine(databaseUrl, log, async (engine) => {
    const { appliedMigrationNames } = await engine.applyMigrations({ migrationsList, filters: NO_FILTERS });
    return appliedMigrationNames;
  });
}

/**
 * SQL that takes a database described by `fromSchema` (or an empty one) to what `toSchema`
 * describes. The wasm engine cannot introspect a live database through the pg adapter (it fails
 * on Postgres' internal "char" columns), so diffs go schema to schema; drift between the
 * migrations and schema.prisma is checked by comparing catalogs (see test/db).
 */
export async function diffSchemas(databaseUrl: string, fromSchema: string | 'empty', toSchema: string): Promise<string> {
  return withEngine(databaseUrl, undefined, async (engine) => {
    const result = await engine.diff({
      from: fromSchema === 'empty' ? { tag: 'empty' } : { tag: 'schemaDatamodel', files: [{ path: 'from.prisma', content: fromSchema }] },
      to: { tag: 'schemaDatamodel', files: [{ path: SCHEMA_PATH, content: toSchema }] },
      script: true,
      exitCode: false,
      filters: NO_FILTERS,
    });
    return result.stdout ?? '';
  });
}
