import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { applyMigrations, diffSchemas, loadMigrationList, SCHEMA_PATH } from '../../src/db/migrator.js';
import { describeCatalog } from '../support/catalog.js';
import { CHECK_CONSTRAINTS, catalogLine, withGeneratedColumns } from '../support/check-constraints.js';
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

  it('use `;` only to end a statement at the end of a line (the pg adapter splits scripts at every `;`)', async () => {
    // @prisma/adapter-pg's executeScript runs script.split(';'): one inside a comment or a string
    // literal cuts a statement in two.
    const list = await loadMigrationList();
    for (const dir of list.migrationDirectories) {
      const sql = dir.migrationFile.content.tag === 'ok' ? dir.migrationFile.content.value : '';
      const bad = sql.split('\n').filter((line) => /;./.test(line) || (/^\s*--/.test(line) && line.includes(';')));
      expect({ migration: dir.path, bad }).toEqual({ migration: dir.path, bad: [] });
    }
  });

  it('build exactly the database schema.prisma describes (no drift)', async () => {
    await applyMigrations(migrated.url);
    const schema = await readFile(SCHEMA_PATH, 'utf8');
    await query(fromSchema.url, await diffSchemas(fromSchema.url, 'empty', schema));
    const [a, b] = await Promise.all([describeCatalog(migrated.url), describeCatalog(fromSchema.url)]);
    expect(a.length).toBeGreaterThan(100);
    // Prisma cannot express CHECK constraints: the migrations add them by hand, and they must be
    // exactly the listed ones (none missing, none unlisted, same definition).
    expect(b.filter((line) => line.includes(' CHECK '))).toEqual([]);
    // Nor generated columns: those are hand-written too (the contacts' search keys).
    expect(a).toEqual([...b.map(withGeneratedColumns), ...CHECK_CONSTRAINTS.map(catalogLine)].sort());
  });

  it('carry the indexes the design asks for', async () => {
    const catalog = (await describeCatalog(migrated.url)).join('\n');
    expect(catalog).toMatch(/USING gin \(config_json jsonb_path_ops\)/);
    expect(catalog).toMatch(/UNIQUE INDEX session_slots_store_id_slot_key/);
    expect(catalog).toMatch(/INDEX messages_store_id_remote_jid_sent_at_idx ON public\.messages USING btree \(store_id, remote_jid, sent_at\)/);
    expect(catalog).toMatch(/UNIQUE INDEX conversations_one_open_per_contact_key .* WHERE \(status = 'open'::text\)/);
    expect(catalog).toMatch(/UNIQUE INDEX webhook_deliveries_webhook_id_event_id_key/);
    expect(catalog).toMatch(/INDEX webhook_deliveries_due_idx .*\(next_attempt_at\) WHERE \(status = ANY/);
    expect(catalog).toMatch(/INDEX slot_commands_created_at_idx/);
    expect(catalog).toMatch(/column messages\.payload bytea\/bytea/);
    // MCP tokens: hashes live in mcp_tokens only, behind one index.
    expect(catalog).not.toMatch(/service_connections\.token_hash/);
    expect(catalog.match(/^index mcp_tokens\..*token_hash.*$/gm)).toEqual([
      'index mcp_tokens.mcp_tokens_token_hash_key CREATE UNIQUE INDEX mcp_tokens_token_hash_key ON public.mcp_tokens USING btree (token_hash)',
    ]);
  });
});
