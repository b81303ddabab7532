// The HTTP benchmark's smoke run (small N), so it cannot rot: it runs both targets through
// autocannon and every request is answered 2xx. Speed is the benchmark's to report, not this
// test's to assert.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { runHttpBench } from '../../bench/http-load.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db?.destroy());

it('runs the reference and the sessions route, every request answered 2xx', async () => {
  const results = await runHttpBench({ databaseUrl: db.url, connections: 2, durationS: 1, rounds: 1 });
  expect(results.map((r) => r.name)).toEqual(['reference: bare node:http, the same bytes', 'GET /api/whatsapp/:storeId/sessions']);
  for (const r of results) {
    expect(r.requests).toBeGreaterThan(0);
    expect([r.name, r.non2xx, r.errors]).toEqual([r.name, 0, 0]);
  }
}, 120_000);
