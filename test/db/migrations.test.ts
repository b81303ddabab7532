import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { applyMigrations, diffSchemas, loadMigrationList, SCHEMA_PATH } from '../../src/db/migrator.js';
import { describeCatalog } from '../support/catalog.js';
import { createBlankDatabase } from '../support/test-database.js';

let migrated: Awaited<ReturnType<typeof createBlankDatabase>>;
let fromSchema: Awaited<ReturnType<typeof createBlankDatabase>>;

beforeAll(async () => {
  [migrated, fromSchema] = await Promise.all([createBlankDatabase(), createBlankDatabase()]);
});
afterAll(async () => {
  await Promise.all([migrated?.destroy(), fromSchema?.destroy()]);
});

async function query(url: string, sql: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

describe('migrations', () => {
  it('apply once, then are a no-op, recorded in _prisma_migrations as prisma migrate deploy does', async () => {
    const list = await loadMigrationList();
    const names = list.migrationDirectories.map((d) => d.path);
    expect(names.length).toBeGreaterThan(0);

    expect(await applyMigrations(migrated.url)).toEqual(names);
    expect(await applyMigrations(migrated.url)).toEqual([]);

    const rows = (await query(migrated.url, 'SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count FROM _prisma_migrations ORDER BY migration_name')).rows;
    expect(rows.map((r) => r.migration_name)).toEqual(names);
    for (const [i, row] of rows.entries()) {
      const dir = list.migrationDirectories[i]!;
      const sql = dir.migrationFile.content.tag === 'ok' ? dir.migrationFile.content.value : '';
      // Prisma's checksum is the SHA-256 of the file: a VPS running the Prisma CLI accepts our history.
      expect(row.checksum).toBe(createHash('sha256').update(sql).digest('hex'));
      expect(row.finished_at).not.toBeNull();
      expect(row.rolled_back_at).toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
  });

  it('build exactly the database schema.prisma describes (no drift)', async () => {
    await applyMigrations(migrated.url);
    const schema = await readFile(SCHEMA_PATH, 'utf8');
    await query(fromSchema.url, await diffSchemas(fromSchema.url, 'empty', schema));
    const [a, b] = await Promise.all([describeCatalog(migrated.url), describeCatalog(fromSchema.url)]);
    expect(a.length).toBeGreaterThan(100);
    expect(a).toEqual(b);
  });

  it('carry the indexes the design asks for', async () => {
    const catalog = (await describeCatalog(migrated.url)).join('\n');
    expect(catalog).toMatch(/USING gin \(config_json jsonb_path_ops\)/);
    expect(catalog).toMatch(/mcp_tokens_live_token_hash_idx .* WHERE \(revoked_at IS NULL\)/);
    expect(catalog).toMatch(/UNIQUE INDEX service_connections_token_hash_key/);
    expect(catalog).toMatch(/UNIQUE INDEX session_slots_store_id_slot_key/);
  });
});
