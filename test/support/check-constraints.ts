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
  status('message_media', 'status', ['pending', 'downloading', 'stored', 'failed', 'too_large']),
  { table: 'message_media', name: 'message_media_attempts_check', def: 'CHECK ((attempts >= 0))', violations: ['attempts = -1'] },
  { table: 'services', name: 'services_price_cents_check', def: 'CHECK ((price_cents >= 0))', violations: ['price_cents = -1'] },
  { table: 'services', name: 'services_duration_minutes_check', def: 'CHECK ((duration_minutes > 0))', violations: ['duration_minutes = 0'] },
  status('appointments', 'status', ['scheduled', 'confirmed', 'done', 'cancelled', 'no_show']),
  { table: 'appointments', name: 'appointments_ends_at_check', def: 'CHECK ((ends_at > starts_at))', violations: ['ends_at = starts_at'] },
  status('webhook_deliveries', 'status', ['pending', 'delivering', 'delivered', 'dead']),
  { table: 'webhook_deliveries', name: 'webhook_deliveries_attempts_check', def: 'CHECK ((attempts >= 0))', violations: ['attempts = -1'] },
  status('service_connections', 'status', ['active', 'inactive', 'error']),
  slotRange('outbound_jobs'),
  status('outbound_jobs', 'state', ['pending', 'sending', 'done', 'failed']),
  { table: 'outbound_jobs', name: 'outbound_jobs_attempts_check', def: 'CHECK ((attempts >= 0))', violations: ['attempts = -1'] },
  slotRange('send_holds'),
];

/** The line describeCatalog (catalog.ts) prints for a constraint. */
export function catalogLine(check: CheckConstraint): string {
  return `constraint ${check.table}.${check.name} ${check.def}`;
}
