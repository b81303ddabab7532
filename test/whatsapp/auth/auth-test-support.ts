// Builders shared by the auth store tests: a store row (auth rows reference stores) and pools that
// count, fail or delay queries, wrapped around the test database's real pool.
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import type pg from 'pg';
import type { Db } from '../../../src/db/prisma.js';
import { createKeyring } from '../../../src/security/secret-box.js';
import type { AuthPool } from '../../../src/whatsapp/engine/auth/index.js';

/** The keyring the auth tests seal with: one key, version 1. */
export const keyring = createKeyring({ version: 1, secret: 'auth_test_secrets_key_0123456789abcdef' });

export async function makeStoreRow(prisma: Db): Promise<string> {
  const store = await prisma.store.create({ data: { name: 's', apiKeyHash: randomBytes(16).toString('hex'), apiKeyLast4: 'abcd' } });
  return store.id;
}

type QueryConfig = { name?: string; text: string; values?: unknown[] };
type Interference = { delayMs?: number; answerLate?: boolean; error?: Error; times?: number };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface ObservedPool extends AuthPool {
  /** Names of the statements run through this pool, in order. */
  readonly queries: string[];
  /**
   * Makes the next queries named `name` fail with `error`, or wait `delayMs` before running (or,
   * with `answerLate`, after running: the result is older than it looks when it arrives).
   */
  interfere(name: string, how: Interference): void;
}

export function observePool(pool: pg.Pool): ObservedPool {
  const queries: string[] = [];
  const rules: (Interference & { name: string; times: number })[] = [];
  const query = async (config: QueryConfig) => {
    const name = config.name ?? 'unnamed';
    queries.push(name);
    const rule = rules.find((r) => r.name === name && r.times > 0);
    if (!rule) return pool.query(config);
    rule.times -= 1;
    if (rule.delayMs && !rule.answerLate) await sleep(rule.delayMs);
    if (rule.error) throw rule.error;
    const result = await pool.query(config);
    if (rule.delayMs && rule.answerLate) await sleep(rule.delayMs);
    return result;
  };
  return {
    query: query as unknown as AuthPool['query'],
    queries,
    interfere(name, how) {
      rules.push({ name, ...how, times: how.times ?? 1 });
    },
  };
}

/** A pool whose every query fails, like a database that is down. */
export const failingPool: AuthPool = {
  query: (async () => {
    throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
  }) as unknown as AuthPool['query'],
};

/** A pino logger at trace level whose lines are kept in memory. */
export function captureLogger(): { logger: Logger; output: () => string } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: pino({ level: 'trace' }, stream), output: () => lines.join('') };
}
