// What the schema itself refuses, whatever the code above it does: a row pointing into another
// store, a second open conversation, a status outside its vocabulary, a slot out of range; and
// what deleting a store leaves behind (its audit trail, nothing else).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { proto } from '@whiskeysockets/baileys';
import { loadConfig } from '../../src/config/config.js';
import { CHECK_CONSTRAINTS, SLOT_NUMBER_MAX } from '../support/check-constraints.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await db.prisma.serviceProvider.create({ data: { key: 'whatsapp', name: 'WhatsApp' } });
});
afterAll(async () => {
  await db?.destroy();
});

/** One row in every store-owned table, each child pointing at the store's own parents. */
async function seedStore(name: string) {
  const p = db.prisma;
  const store = await p.store.create({ data: { name, apiKeyHash: randomUUID(), apiKeyLast4: 'abcd' } });
  const storeId = store.id;
  await p.sessionSlot.create({ data: { storeId, slot: 1 } });
  await p.slotCommand.create({ data: { storeId, slot: 1, command: 'stop' } });
  await p.authCreds.create({ data: { storeId, slot: 1, keyVersion: 0, data: Buffer.from('{}') } });
  await p.authKey.create({ data: { storeId, slot: 1, type: 'session', keyId: 'k', keyVersion: 0, value: Buffer.from('{}') } });
  await p.botConfig.create({ data: { storeId } });
  await p.storeSettings.create({ data: { storeId } });
  const contact = await p.contact.create({ data: { storeId, jidPn: '5511988887777@s.whatsapp.net', name: 'João' } });
  const conversation = await p.conversation.create({ data: { storeId, contactId: contact.id, slot: 1 } });
  const message = await p.message.create({
    data: {
      storeId,
      slot: 1,
      contactId: contact.id,
      conversationId: conversation.id,
      waMessageId: randomUUID(),
      remoteJid: contact.jidPn!,
      direction: 'inbound',
      status: 'received',
      text: 'oi',
      sentAt: new Date(),
    },
  });
  await p.messageStatusEvent.create({ data: { storeId, messageId: message.id, status: 'received' } });
  await p.outboundJob.create({ data: { storeId, slot: 1, messageId: message.id, toJid: '5511988887777@s.whatsapp.net', request: {} } });
  await p.sendHold.create({ data: { storeId, slot: 1, reason: 'reachout_timelock', until: new Date() } });
  await p.messageMedia.create({ data: { storeId, messageId: message.id } });
  await p.contactIdentity.create({ data: { storeId, contactId: contact.id, channel: 'instagram', handle: '@joao' } });
  await p.channelSend.create({ data: { storeId, messageId: message.id } });
  const service = await p.service.create({ data: { storeId, name: 'Corte', priceCents: 5000, durationMinutes: 30 } });
  const startsAt = new Date(Date.now() + 3_600_000);
  await p.appointment.create({
    data: { storeId, contactId: contact.id, serviceId: service.id, startsAt, endsAt: new Date(startsAt.getTime() + 1_800_000) },
  });
  await p.aiSnapshot.create({ data: { storeId, contactId: contact.id, conversationId: conversation.id, summary: 's', reason: 'manual' } });
  const webhook = await p.webhook.create({ data: { storeId, url: 'https://example.test/hook', events: ['*'], secretSealed: Buffer.from('x'), secretLast4: 'abcd' } });
  await p.webhookDelivery.create({ data: { storeId, webhookId: webhook.id, eventId: randomUUID(), event: 'message.received', payload: {} } });
  await p.evolutionInstance.create({ data: { name: `tenant_${storeId}`, instanceId: randomUUID(), storeId, slot: 1, tokenHash: randomUUID(), ownsStore: true } });
  const provider = await p.serviceProvider.findUniqueOrThrow({ where: { key: 'whatsapp' } });
  const connection = await p.serviceConnection.create({ data: { storeId, providerId: provider.id, name: 'main' } });
  await p.mcpToken.create({ data: { storeId, connectionId: connection.id, tokenHash: randomUUID(), tokenLast4: 'wxyz' } });
  await p.eventStreamLease.create({ data: { storeId, expiresAt: new Date(Date.now() + 60_000) } });
  await p.auditLog.create({ data: { storeId, actor: 'admin', action: 'store.created', resourceType: 'store', resourceId: storeId } });
  await p.botTurn.create({
    data: { storeId, conversationId: conversation.id, contactId: contact.id, slot: 1, dueAt: new Date(), firstAt: new Date(), triggerMessageId: message.id, triggerAt: message.createdAt },
  });
  await p.botPause.create({ data: { storeId, contactId: contact.id, until: new Date(Date.now() + 60_000), reason: 'api' } });
  await p.llmCall.create({ data: { storeId, purpose: 'reply', result: 'ok', latencyMs: 1 } });
  return { storeId, contact, conversation, message, service, webhook, connection };
}

/** The SQL error a statement fails with (it must fail). */
async function sqlError(sql: string, params: unknown[] = []): Promise<{ code: string; constraint?: string }> {
  try {
    await db.pool.query(sql, params);
  } catch (err) {
    return err as { code: string; constraint?: string };
  }
  throw new Error(`expected to fail: ${sql}`);
}

/** Tables with a store_id column, from the catalog (so a new table is covered without an edit here). */
async function storeScopedTables(): Promise<string[]> {
  const { rows } = await db.pool.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.columns
     WHERE table_schema = 'public' AND column_name = 'store_id' AND table_name <> '_prisma_migrations' ORDER BY 1`,
  );
  return rows.map((r) => r.table_name);
}

interface ForeignKey {
  table: string;
  name: string;
  columns: string[];
  refTable: string;
  refColumns: string[];
  onDelete: string;
}

async function foreignKeys(): Promise<ForeignKey[]> {
  const { rows } = await db.pool.query<{ table: string; name: string; columns: string[]; ref_table: string; ref_columns: string[]; on_delete: string }>(`
    SELECT rel.relname AS table, con.conname AS name, ref.relname AS ref_table, con.confdeltype AS on_delete,
      ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.i)::text[] AS columns,
      ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.i)::text[] AS ref_columns
    FROM pg_constraint con
    JOIN pg_class rel ON rel.oid = con.conrelid JOIN pg_class ref ON ref.oid = con.confrelid
    JOIN pg_namespace ns ON ns.oid = rel.relnamespace
    WHERE con.contype = 'f' AND ns.nspname = 'public'`);
  return rows.map((r) => ({ table: r.table, name: r.name, columns: r.columns, refTable: r.ref_table, refColumns: r.ref_columns, onDelete: r.on_delete }));
}

describe('store isolation', () => {
  it('every store-scoped table cascades from stores, except audit_logs, which has no foreign key at all', async () => {
    const tables = await storeScopedTables();
    const fks = await foreignKeys();
    expect(tables.length).toBeGreaterThanOrEqual(18);
    for (const table of tables) {
      const toStore = fks.filter((fk) => fk.table === table && fk.refTable === 'stores');
      if (table === 'audit_logs') {
        expect(fks.filter((fk) => fk.table === table)).toEqual([]);
        continue;
      }
      expect({ table, toStore: toStore.map((fk) => [fk.columns, fk.refColumns, fk.onDelete]) }).toEqual({
        table,
        toStore: [[['store_id'], ['id'], 'c']],
      });
    }
  });

  it('every reference to a store-owned parent goes through (store_id, id)', async () => {
    const scoped = new Set(await storeScopedTables());
    const fks = (await foreignKeys()).filter((fk) => scoped.has(fk.refTable));
    expect(fks.length).toBeGreaterThanOrEqual(10);
    for (const fk of fks) {
      expect({ fk: fk.name, columns: fk.columns[0], refColumns: fk.refColumns }).toEqual({ fk: fk.name, columns: 'store_id', refColumns: ['store_id', 'id'] });
    }
  });

  it("refuses a child pointing at another store's parent, for every such reference", async () => {
    const a = await seedStore('iso A');
    const b = await seedStore('iso B');
    const scoped = new Set(await storeScopedTables());
    const fks = (await foreignKeys()).filter((fk) => scoped.has(fk.refTable));
    for (const fk of fks) {
      const column = fk.columns[1]!;
      const { rows } = await db.pool.query(`SELECT id FROM ${fk.refTable} WHERE store_id = $1 LIMIT 1`, [a.storeId]);
      expect({ fk: fk.name, parentOfA: rows.length }).toEqual({ fk: fk.name, parentOfA: 1 });
      const err = await sqlError(`UPDATE ${fk.table} SET ${column} = $1 WHERE store_id = $2`, [rows[0].id, b.storeId]);
      expect({ fk: fk.name, code: err.code, constraint: err.constraint }).toEqual({ fk: fk.name, code: '23503', constraint: fk.name });
    }
  });

  it("refuses, through Prisma too, a message in store B filed under store A's conversation", async () => {
    const a = await seedStore('prisma A');
    const b = await seedStore('prisma B');
    await expect(
      db.prisma.message.create({
        data: {
          storeId: b.storeId,
          slot: 1,
          conversationId: a.conversation.id,
          waMessageId: randomUUID(),
          remoteJid: 'x@s.whatsapp.net',
          direction: 'inbound',
          status: 'received',
          sentAt: new Date(),
        },
      }),
    ).rejects.toMatchObject({ code: 'P2003' });
  });
});

describe('conversations', () => {
  it('allow at most one open conversation per contact (closed ones are history)', async () => {
    const s = await seedStore('conv');
    const err = await sqlError(`INSERT INTO conversations (id, store_id, contact_id) VALUES ($1, $2, $3)`, [randomUUID(), s.storeId, s.contact.id]);
    expect(err).toMatchObject({ code: '23505', constraint: 'conversations_one_open_per_contact_key' });

    await db.prisma.conversation.update({ where: { id: s.conversation.id }, data: { status: 'closed', endedAt: new Date() } });
    await db.prisma.conversation.create({ data: { storeId: s.storeId, contactId: s.contact.id } });
    await db.prisma.conversation.create({ data: { storeId: s.storeId, contactId: s.contact.id, status: 'closed' } });
    expect(await db.prisma.conversation.count({ where: { contactId: s.contact.id, status: 'open' } })).toBe(1);
  });

  it('cannot be deleted while messages are filed under them, and go with their contact', async () => {
    const s = await seedStore('conv delete');
    expect(await sqlError('DELETE FROM conversations WHERE id = $1', [s.conversation.id])).toMatchObject({ code: '23503' });
    expect(await sqlError('DELETE FROM services WHERE id = $1', [s.service.id])).toMatchObject({ code: '23503' });
    await db.prisma.contact.delete({ where: { id: s.contact.id } });
    for (const table of ['conversations', 'messages', 'message_status_events', 'message_media', 'appointments', 'ai_context_snapshots']) {
      const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM ${table} WHERE store_id = $1`, [s.storeId]);
      expect({ table, n: rows[0].n }).toEqual({ table, n: 0 });
    }
  });
});

describe('CHECK constraints', () => {
  it('refuse every listed violation with that constraint', async () => {
    const s = await seedStore('checks');
    for (const check of CHECK_CONSTRAINTS) {
      if (check.probe) await db.pool.query(check.probe.insert);
      const [where, params] = check.probe ? [check.probe.where, []] : ['store_id = $1', [s.storeId]];
      const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM ${check.table} WHERE ${where}`, params);
      expect({ table: check.table, rows: rows[0].n }).toEqual({ table: check.table, rows: 1 });
      for (const violation of check.violations) {
        const err = await sqlError(`UPDATE ${check.table} SET ${violation} WHERE ${where}`, params);
        expect({ violation, code: err.code, constraint: err.constraint }).toEqual({ violation, code: '23514', constraint: check.name });
      }
    }
  });

  it('refuse a bad status written through Prisma', async () => {
    const s = await seedStore('checks prisma');
    await expect(db.prisma.sessionSlot.update({ where: { storeId_slot: { storeId: s.storeId, slot: 1 } }, data: { status: 'bogus' } })).rejects.toThrow(
      /session_slots_status_check/,
    );
    await expect(db.prisma.conversation.update({ where: { id: s.conversation.id }, data: { status: 'active' } })).rejects.toThrow(/conversations_status_check/);
  });

  it('bound slots by what MAX_SLOTS accepts', () => {
    expect(loadConfig({ MAX_SLOTS: String(SLOT_NUMBER_MAX) }).maxSlots).toBe(SLOT_NUMBER_MAX);
    expect(() => loadConfig({ MAX_SLOTS: String(SLOT_NUMBER_MAX + 1) })).toThrow(/MAX_SLOTS/);
  });
});

describe('messages', () => {
  it('keep the protobuf bytes as they are (NUL bytes and all) and decode back', async () => {
    const s = await seedStore('payload');
    const info = proto.WebMessageInfo.fromObject({
      key: { remoteJid: '5511988887777@s.whatsapp.net', fromMe: false, id: 'ABC' },
      message: { conversation: 'oi\u0000 with a NUL' },
      messageTimestamp: 1_700_000_000,
    });
    const bytes = Buffer.from(proto.WebMessageInfo.encode(info).finish());
    await db.prisma.message.update({ where: { id: s.message.id }, data: { payload: bytes } });
    const row = await db.prisma.message.findUniqueOrThrow({ where: { id: s.message.id } });
    expect(Buffer.from(row.payload!).equals(bytes)).toBe(true);
    expect(proto.WebMessageInfo.decode(row.payload!).message?.conversation).toBe('oi\u0000 with a NUL');
  });

  it("read a chat's history and claim due webhook deliveries through their indexes", async () => {
    const s = await seedStore('plans');
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      // A handful of rows: make the planner show which index can serve the query at all.
      await client.query('SET LOCAL enable_seqscan = off');
      const plan = async (sql: string, params: unknown[]) =>
        (await client.query(`EXPLAIN ${sql}`, params)).rows.map((r) => r['QUERY PLAN']).join('\n');
      expect(await plan('SELECT * FROM messages WHERE store_id = $1 AND remote_jid = $2 ORDER BY sent_at DESC LIMIT 50', [s.storeId, 'x'])).toMatch(
        /messages_store_id_remote_jid_sent_at_idx/,
      );
      expect(
        await plan(
          `SELECT id FROM webhook_deliveries WHERE status IN ('pending', 'delivering') AND next_attempt_at <= now()
           ORDER BY next_attempt_at LIMIT 10 FOR UPDATE SKIP LOCKED`,
          [],
        ),
      ).toMatch(/webhook_deliveries_due_idx/);
      expect(await plan('DELETE FROM slot_commands WHERE created_at < $1', [new Date()])).toMatch(/slot_commands_created_at_idx/);
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
  });
});

describe('webhook deliveries', () => {
  it('enqueue an event once per webhook', async () => {
    const s = await seedStore('outbox');
    const eventId = randomUUID();
    const row = { storeId: s.storeId, webhookId: s.webhook.id, eventId, event: 'message.received', payload: {} };
    await db.prisma.webhookDelivery.create({ data: row });
    await expect(db.prisma.webhookDelivery.create({ data: row })).rejects.toMatchObject({ code: 'P2002' });
  });
});

describe('deleting a store', () => {
  it('removes every row of the store from every table but audit_logs, and leaves other stores alone', async () => {
    const gone = await seedStore('gone');
    const kept = await seedStore('kept');
    const tables = await storeScopedTables();
    const count = async (table: string, storeId: string) =>
      (await db.pool.query(`SELECT count(*)::int AS n FROM ${table} WHERE store_id = $1`, [storeId])).rows[0].n as number;
    // The seed covers every store-scoped table, so the assertions below are not vacuous.
    for (const table of tables) expect({ table, seeded: (await count(table, gone.storeId)) > 0 }).toEqual({ table, seeded: true });
    const before = Object.fromEntries(await Promise.all(tables.map(async (t) => [t, await count(t, kept.storeId)] as const)));

    await db.prisma.store.delete({ where: { id: gone.storeId } });

    for (const table of tables) {
      expect({ table, left: await count(table, gone.storeId) }).toEqual({ table, left: table === 'audit_logs' ? 1 : 0 });
      expect({ table, kept: await count(table, kept.storeId) }).toEqual({ table, kept: before[table] });
    }
    const audit = await db.prisma.auditLog.findFirstOrThrow({ where: { storeId: gone.storeId } });
    expect(audit.action).toBe('store.created');
    expect(await db.prisma.serviceProvider.count()).toBe(1);
  });
});
