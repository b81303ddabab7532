// A normalized description of a database's public schema (columns, constraints, indexes), so two
// databases built different ways can be compared for equality.
import pg from 'pg';

export async function describeCatalog(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const columns = await client.query(`
      SELECT table_name, column_name, data_type, udt_name, is_nullable, coalesce(column_default, '') AS def,
             CASE WHEN is_generated = 'ALWAYS' THEN generation_expression END AS generated
      FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`);
    const constraints = await client.query(`
      SELECT rel.relname AS table_name, con.conname, pg_get_constraintdef(con.oid) AS def
      FROM pg_constraint con JOIN pg_class rel ON rel.oid = con.conrelid
      JOIN pg_namespace ns ON ns.oid = rel.relnamespace
      WHERE ns.nspname = 'public' AND rel.relname <> '_prisma_migrations'`);
    const indexes = await client.query(`
      SELECT tablename, indexname, indexdef FROM pg_indexes
      WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`);
    return [
      ...columns.rows.map(
        (r) => `column ${r.table_name}.${r.column_name} ${r.data_type}/${r.udt_name} null=${r.is_nullable} default=${r.def}${r.generated ? ` generated=${r.generated}` : ''}`,
      ),
      ...constraints.rows.map((r) => `constraint ${r.table_name}.${r.conname} ${r.def}`),
      ...indexes.rows.map((r) => `index ${r.tablename}.${r.indexname} ${r.indexdef}`),
    ].sort();
  } finally {
    await client.end();
  }
}
