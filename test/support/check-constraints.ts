// The CHECK constraints the migrations add by hand, in one place. Prisma has no CHECK syntax, so
// a database built from schema.prisma lacks them: the drift test expects the migrated database to
// equal the schema-built one plus exactly these (in pg_get_constraintdef's words), and
// test/db/schema-constraints.test.ts breaks each one with its `violations`. Adding a status means
// a new migration that replaces the constraint, and an edit here.
import { MESSAGE_STATUSES } from '../../src/kernel/message-status.js';
import { SLOT_STATUSES } from '../../src/kernel/slot-status.js';

/**
 * The highest slot number the database accepts: MAX_SLOTS' own upper bound in
 * src/config/config.ts (a store may configure fewer; never more than this).
 */
export const SLOT_NUMBER_MAX = 10;


export interface CheckConstraint {
  table: string;
  name: string;
  /** As pg_get_constraintdef prints it. */
  def: string;
  /** SET clauses that must each break the constraint on a valid row. */
  violations: string[];
  /** For a table with no store_id: the one probe row the test writes and breaks (`key = …`). */
  probe?: { where: string; insert: string };
}

const oneOf = (column: string, values: readonly string[]) =>
  `CHECK ((${column} = ANY (ARRAY[${values.map((v) => `'${v}'::text`).join(', ')}])))`;

function slotRange(table: string): CheckConstraint {
  return {
    table,
    name: `${table}_slot_check`,
    def: `CHECK (((slot >= 1) AND (slot <= ${SLOT_NUMBER_MAX})))`,
    violations: ['slot = 0', `slot = ${SLOT_NUMBER_MAX + 1}`],
  };
}

function status(table: string, column: string, values: readonly string[]): CheckConstraint {
  return { table, name: `${table}_${column}_check`, def: oneOf(column, values), violations: [`${column} = 'bogus'`] };
}

export const CHECK_CONSTRAINTS: readonly CheckConstraint[] = [
  slotRange('session_slots'),
  status('session_slots', 'status', SLOT_STATUSES),
  status('session_slots', 'desired', ['running', 'stopped']),
  slotRange('slot_commands'),
  status('slot_commands', 'status', ['pending', 'running', 'done', 'failed', 'expired']),
  slotRange('conversations'),
  status('conversations', 'status', ['open', 'closed']),
  slotRange('messages'),
  status('messages', 'direction', ['inbound', 'outbound']),
  status('messages', 'status', MESSAGE_STATUSES),
  status('message_status_events', 'status', MESSAGE_STATUSES),
  status('message_media', 'status', ['pending', 'downloading', 'stored', 'failed', 'too_large', 'expired']),
  { table: 'message_media', name: 'message_media_attempts_check', def: 'CHECK ((attempts >= 0))', violations: ['attempts = -1'] },
  { table: 'services', name: 'services_price_cents_check', def: 'CHECK ((price_cents >= 0))', violations: ['price_cents = -1'] },
  { table: 'services', name: 'services_duration_minutes_check', def: 'CHECK ((duration_minutes > 0))', violations: ['duration_minutes = 0'] },
  status('appointments', 'status', ['scheduled', 'confirmed', 'done', 'cancelled', 'no_show']),
  { table: 'appointments', name: 'appointments_ends_at_check', def: 'CHECK ((ends_at > starts_at))', violations: ['ends_at = starts_at'] },
  status('webhook_deliveries', 'status', ['pending', 'delivering', 'delivered', 'dead']),
  {
    ...status('job_runs', 'result', ['running', 'ok', 'failed']),
    probe: { where: "key = 'checks:probe'", insert: "INSERT INTO job_runs (key, job, scheduled_for, process_id) VALUES ('checks:probe', 'checks', now(), 'test')" },
  },
  { table: 'webhook_deliveries', name: 'webhook_deliveries_attempts_check', def: 'CHECK ((attempts >= 0))', violations: ['attempts = -1'] },
  { table: 'webhooks', name: 'webhooks_retry_base_ms_check', def: 'CHECK (((retry_base_ms >= 100) AND (retry_base_ms <= 3600000)))', violations: ['retry_base_ms = 99', 'retry_base_ms = 3600001'] },
  { table: 'webhooks', name: 'webhooks_retry_max_age_minutes_check', def: 'CHECK (((retry_max_age_minutes >= 1) AND (retry_max_age_minutes <= 10080)))', violations: ['retry_max_age_minutes = 0', 'retry_max_age_minutes = 10081'] },
  slotRange('webhooks'),
  status('webhooks', 'payload_format', ['standard', 'evolution']),
  slotRange('evolution_instances'),
  { table: 'evolution_instances', name: 'evolution_instances_name_check', def: "CHECK ((name ~ '^[A-Za-z0-9 _.@-]{1,100}$'::text))", violations: ["name = 'has/slash'", "name = ''"] },
  status('service_connections', 'status', ['active', 'inactive', 'error']),
  slotRange('outbound_jobs'),
  status('outbound_jobs', 'state', ['pending', 'sending', 'done', 'failed']),
  { table: 'outbound_jobs', name: 'outbound_jobs_attempts_check', def: 'CHECK ((attempts >= 0))', violations: ['attempts = -1'] },
  slotRange('send_holds'),
  {
    table: 'contact_identities',
    name: 'contact_identities_channel_check',
    def: "CHECK (((channel ~ '^[a-z][a-z0-9_-]{0,31}$'::text) AND (channel <> 'whatsapp'::text)))",
    violations: ["channel = 'whatsapp'", "channel = 'Insta gram'"],
  },
  { table: 'conversations', name: 'conversations_channel_check', def: "CHECK ((channel ~ '^[a-z][a-z0-9_-]{0,31}$'::text))", violations: ["channel = 'Bad'", "channel = ''"] },
  { table: 'messages', name: 'messages_channel_check', def: "CHECK ((channel ~ '^[a-z][a-z0-9_-]{0,31}$'::text))", violations: ["channel = 'Bad'"] },
  {
    table: 'messages',
    name: 'messages_channel_slot_check',
    def: "CHECK (((channel = 'whatsapp'::text) = (slot IS NOT NULL)))",
    violations: ['slot = NULL', "channel = 'instagram'"],
  },
  { table: 'services', name: 'services_currency_check', def: "CHECK ((currency ~ '^[A-Z]{3}$'::text))", violations: ["currency = 'brl'", "currency = 'EURO'"] },
  status('channel_sends', 'state', ['pending', 'sending', 'done', 'failed']),
  { table: 'channel_sends', name: 'channel_sends_attempts_check', def: 'CHECK ((attempts >= 0))', violations: ['attempts = -1'] },
  status('bot_configs', 'hours_mode', ['always', 'open_only', 'closed_only']),
  slotRange('bot_turns'),
  status('bot_turns', 'state', ['pending', 'running', 'replying', 'replied', 'skipped', 'failed']),
  { table: 'bot_turns', name: 'bot_turns_attempts_check', def: 'CHECK ((attempts >= 0))', violations: ['attempts = -1'] },
  status('bot_pauses', 'reason', ['owner_reply', 'handoff_keyword', 'handoff_tool', 'api']),
  status('llm_calls', 'purpose', ['reply', 'snapshot', 'transcription']),
  status('llm_calls', 'result', ['ok', 'rate_limited', 'out_of_credits', 'server_error', 'timeout', 'bad_response', 'error']),
];

/**
 * Columns the database computes (GENERATED ALWAYS … STORED), hand-written in the migrations:
 * schema.prisma declares them as Unsupported("text"), so a schema-built database has them as
 * plain columns. `expression` as information_schema.columns.generation_expression prints it.
 */
export const GENERATED_COLUMNS: ReadonlyArray<{ table: string; column: string; expression: string }> = [
  {
    table: 'contacts',
    column: 'search_text',
    expression:
      "translate(lower(((((COALESCE(name, ''::text) || ' '::text) || COALESCE(push_name, ''::text)) || ' '::text) || COALESCE(email, ''::text))), 'áàâãäåéèêëíìîïóòôõöúùûüçñÁÀÂÃÄÅÉÈÊËÍÌÎÏÓÒÔÕÖÚÙÛÜÇÑ'::text, 'aaaaaaeeeeiiiiooooouuuucnaaaaaaeeeeiiiiooooouuuucn'::text)",
  },
  { table: 'contacts', column: 'phone_digits', expression: "regexp_replace(COALESCE(phone, ''::text), '[^0-9]'::text, ''::text, 'g'::text)" },
];

/** A schema-built catalog line as the migrated database prints it (generated columns marked). */
export function withGeneratedColumns(line: string): string {
  const column = GENERATED_COLUMNS.find((c) => line.startsWith(`column ${c.table}.${c.column} `));
  return column ? `${line} generated=${column.expression}` : line;
}

/** The line describeCatalog (catalog.ts) prints for a constraint. */
export function catalogLine(check: CheckConstraint): string {
  return `constraint ${check.table}.${check.name} ${check.def}`;
}
