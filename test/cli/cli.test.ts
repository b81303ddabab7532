import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
let db: TestDatabase;
let dataDir: string;

beforeAll(async () => {
  db = await createTestDatabase();
  dataDir = await mkdtemp(path.join(tmpdir(), 'drin-cli-'));
});
afterAll(async () => {
  await db.destroy();
  await rm(dataDir, { recursive: true, force: true });
});

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--experimental-wasm-modules', '--disable-warning=ExperimentalWarning', '--import', 'tsx', 'src/cli/main.ts', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, DATABASE_URL: db.url, DATA_DIR: dataDir, SECRETS_KEY: 'c'.repeat(32), DRIN_API_KEY: 'a'.repeat(32) },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('ops CLI', () => {
  it('creates, lists, rotates and deletes stores, and prints slot statuses', async () => {
    const created = await cli('stores', 'create', 'Clínica Sorriso');
    expect(created.code).toBe(0);
    const store = JSON.parse(created.stdout);
    expect(store).toMatchObject({ name: 'Clínica Sorriso', apiKey: expect.stringMatching(/^drin_sk_/) });

    const listed = JSON.parse((await cli('stores', 'list')).stdout);
    expect(listed.map((s: { storeId: string }) => s.storeId)).toContain(store.storeId);
    expect(JSON.stringify(listed)).not.toContain(store.apiKey);

    await db.prisma.sessionSlot.create({ data: { storeId: store.storeId, slot: 2, status: 'connected', phone: '5511999990000' } });
    const slots = JSON.parse((await cli('slots', store.storeId)).stdout);
    expect(slots.map((s: { slot: number; status: string }) => [s.slot, s.status])).toEqual([
      [1, 'disconnected'],
      [2, 'connected'],
      [3, 'disconnected'],
    ]);

    const rotated = JSON.parse((await cli('stores', 'rotate', store.storeId)).stdout);
    expect(rotated.apiKey).not.toBe(store.apiKey);

    const refused = await cli('stores', 'delete', store.storeId);
    expect(refused.code).toBe(2);
    expect(await db.prisma.store.count({ where: { id: store.storeId } })).toBe(1);
    expect((await cli('stores', 'delete', store.storeId, '--yes')).code).toBe(0);
    expect(await db.prisma.store.count({ where: { id: store.storeId } })).toBe(0);
    // Six cold starts of the CLI (each loads Baileys through the composition root): room for a busy machine.
  }, 180_000);

  it('exits non-zero with usage on an unknown command', async () => {
    const res = await cli('stores', 'explode');
    expect(res.code).toBe(2);
    expect(res.stdout).toContain('usage:');
  }, 60_000);
});
