// Run: node --experimental-wasm-modules --disable-warning=ExperimentalWarning --import tsx bench/inbound-storage.bench.ts
//
// The storage half of the inbound pipeline alone, no sockets: what `inbound.repo.ts` store()
// (one interactive Prisma transaction per message: 8 round trips, a synchronous commit) costs in
// latency and in CPU of the calling process, on a scratch database (migrated, dropped at the end).
// Beside it, in the same run: the same transaction with asynchronous commit (what the commit's
// fsync costs: the most that batching commits could save of it), and a prototype of batching —
// the same statements for K consecutive messages of a slot in one transaction (bench-local copy of
// store()'s body, not production code). In order per slot, slots concurrent, as the bus runs them.
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { dropDatabase, ensureDatabaseExists, withDatabaseName } from '../src/db/database-admin.js';
import { applyMigrations } from '../src/db/migrator.js';
import { openConnections, type Connections, type Db, type Prisma } from '../src/db/prisma.js';
import { createInboundRepo, findOrCreateContact, threadFor, type InboundRow } from '../src/messages/inbound.repo.js';
import { BENCH_SERVER as SERVER } from './bench-env.js';

const SLOTS = Number(process.env.BENCH_SLOTS ?? 4);
const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 25);
const PER_SLOT = Number(process.env.BENCH_PER_SLOT ?? 250);
const print = (line: string) => process.stdout.write(`${line}\n`);

let serial = 0;
function rowsFor(storeId: string, slot: number, count: number): InboundRow[] {
  return Array.from({ length: count }, (_, i) => {
    const c = i % CONTACTS;
    const user = `5521${slot}${String(c).padStart(6, '0')}`;
    return {
      storeId,
      slot,
      waMessageId: `STORE${String(++serial).padStart(8, '0')}`,
      remoteJid: `1${user}@lid`,
      jidPn: `${user}@s.whatsapp.net`,
      jidLid: `1${user}@lid`,
      pushName: `Bench ${slot}.${c}`,
      type: 'text',
      text: `bench message ${i} from ${user}`,
      metadata: { delivery: 'live' },
      payload: randomBytes(180), // a text WebMessageInfo is ~150–250 bytes
      sentAt: new Date(),
      isGroup: false,
    };
  });
}

/** Prototype: store()'s statements for several rows in one transaction (dedup, contact, thread, row, counters). */
async function storeInTx(tx: Prisma.TransactionClient, row: InboundRow): Promise<void> {
  const key = { storeId: row.storeId, slot: row.slot, direction: 'inbound', waMessageId: row.waMessageId };
  if (await tx.message.findUnique({ where: { storeId_slot_direction_waMessageId: key }, select: { id: true } })) return;
  const contactId = (await findOrCreateContact(tx, row)).id;
  const conversationId = (await threadFor(tx, row.storeId, contactId, row.slot, row.sentAt)).id;
  await tx.message.create({
    data: { ...key, contactId, conversationId, remoteJid: row.remoteJid, type: row.type, text: row.text, metadata: row.metadata, payload: Buffer.from(row.payload), status: 'received', sentAt: row.sentAt },
    select: { id: true },
  });
  await tx.conversation.update({ where: { id: conversationId }, data: { unreadCount: { increment: 1 }, slot: row.slot } });
  await tx.conversation.updateMany({ where: { id: conversationId, OR: [{ lastMessageAt: null }, { lastMessageAt: { lt: row.sentAt } }] }, data: { lastMessageAt: row.sentAt } });
}

/**
 * A floor, not an equivalent: the row and the thread's counters in ONE statement through pg
 * (no Prisma), with the contact and thread already known (looked up once per contact, as a
 * per-slot cache could). What a message costs when it is one round trip and no ORM.
 */
const FLOOR_SQL = `WITH m AS (
    INSERT INTO messages (id, store_id, slot, contact_id, conversation_id, wa_message_id, remote_jid, direction, type, text, metadata, payload, status, sent_at)
    VALUES (gen_random_uuid()::text, $1, $2, $3, $4, $5, $6, 'inbound', $7, $8, $9, $10, 'received', $11)
    ON CONFLICT DO NOTHING RETURNING conversation_id)
  UPDATE conversations SET unread_count = unread_count + 1, slot = $2, last_message_at = GREATEST(last_message_at, $11)
  WHERE id IN (SELECT conversation_id FROM m)`;
const threads = new Map<string, { contactId: string; conversationId: string }>();

async function storeFloor(connections: Connections, row: InboundRow): Promise<void> {
  let known = threads.get(row.jidLid!);
  if (!known) {
    const contactId = (await connections.prisma.$transaction((tx) => findOrCreateContact(tx, row))).id;
    const conversationId = (await connections.prisma.$transaction((tx) => threadFor(tx, row.storeId, contactId, row.slot, row.sentAt))).id;
    threads.set(row.jidLid!, (known = { contactId, conversationId }));
  }
  await connections.pool.query(FLOOR_SQL, [
    row.storeId, row.slot, known.contactId, known.conversationId, row.waMessageId, row.remoteJid, row.type, row.text, row.metadata, Buffer.from(row.payload), row.sentAt,
  ]);
}

interface Variant {
  name: string;
  db: Db;
  batch: number;
  /** the raw-SQL floor instead of Prisma */
  floor?: Connections;
}

async function run(v: Variant, storeId: string, slots: number): Promise<void> {
  const repo = createInboundRepo(v.db);
  const perSlot = Array.from({ length: slots }, (_, s) => rowsFor(storeId, s + 1, PER_SLOT));
  const latencies: number[] = [];
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    perSlot.map(async (rows) => {
      for (let i = 0; i < rows.length; i += v.batch) {
        const chunk = rows.slice(i, i + v.batch);
        const t = performance.now();
        if (v.floor) await storeFloor(v.floor, chunk[0]!);
        else if (v.batch === 1) await repo.store(chunk[0]!);
        else await v.db.$transaction(async (tx) => { for (const row of chunk) await storeInTx(tx, row); });
        const ms = performance.now() - t;
        for (let k = 0; k < chunk.length; k++) latencies.push(ms); // each message waits for its batch's commit
      }
    }),
  );
  const wall = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const count = slots * PER_SLOT;
  latencies.sort((a, b) => a - b);
  const p = (q: number) => latencies[Math.floor(q * (latencies.length - 1))]!;
  print(
    `| ${v.name} | ${v.batch} | ${slots} | ${count} | ${((count / wall) * 1000).toFixed(0)} | ${p(0.5).toFixed(2)} | ${p(0.99).toFixed(2)} | ${((used.user + used.system) / 1000 / count).toFixed(2)} |`,
  );
}

const url = withDatabaseName(SERVER, `drin_bench_store_${randomBytes(4).toString('hex')}`);
await ensureDatabaseExists(url);
const asyncUrl = new URL(url);
asyncUrl.searchParams.set('options', '-c synchronous_commit=off');
const sync = openConnections(url, 10);
const asyncDb = openConnections(asyncUrl.toString(), 10);
try {
  await applyMigrations(url);
  const store = await sync.prisma.store.create({ data: { name: 'bench', apiKeyHash: randomBytes(16).toString('hex'), apiKeyLast4: 'abcd' } });
  // Contacts and threads exist (the steady state of a chat), and the code paths are warm.
  for (let s = 1; s <= SLOTS; s++) for (const row of rowsFor(store.id, s, CONTACTS * 2)) await createInboundRepo(sync.prisma).store(row);
  print(`node ${process.version}; load ${loadavg().map((l) => l.toFixed(1)).join(' ')}; ${CONTACTS} contacts per slot, ${PER_SLOT} messages per slot\n`);
  print('| variant | messages per transaction | slots at once | messages | msg/s | p50 ms (to its commit) | p99 ms | CPU ms/msg (this process) |');
  print('|---|---:|---:|---:|---:|---:|---:|---:|');
  const variants: Variant[] = [
    { name: 'store() as shipped', db: sync.prisma, batch: 1 },
    { name: 'store(), asynchronous commit', db: asyncDb.prisma, batch: 1 },
    { name: 'batched prototype', db: sync.prisma, batch: 8 },
    { name: 'batched prototype', db: sync.prisma, batch: 32 },
    { name: 'floor: one raw statement (pg), contact + thread cached', db: sync.prisma, batch: 1, floor: sync },
  ];
  for (const slots of [1, SLOTS]) for (const v of variants) await run(v, store.id, slots);
  for (const v of [...variants].reverse()) await run(v, store.id, SLOTS); // again, in the other order
} finally {
  await sync.close();
  await asyncDb.close();
  await dropDatabase(url);
}
