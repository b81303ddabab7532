// scripts/setup-vps.sh in a scratch root, twice, with the parts that can run here: .env from
// .env.example with generated secrets, the database and its user on the local Postgres server,
// the migrations, the Nginx site rendered for the domain and port and checked by nginx -t
// (packages, build, PM2 and certbot skipped). The second run changes nothing and says so.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import pg from 'pg';
import { withDatabaseName } from '../../src/db/database-admin.js';
import { TEMPLATE_ENV } from '../support/test-database.js';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
const suffix = randomBytes(4).toString('hex');
const DB = `drin_setup_${suffix}`;
let scratch: string;
let admin: string;

beforeAll(async () => {
  const template = process.env[TEMPLATE_ENV];
  if (!template) throw new Error('this test needs the local Postgres server (127.0.0.1:5432): the script creates a database and a user there');
  admin = withDatabaseName(template, 'postgres');
  scratch = await mkdtemp(path.join(tmpdir(), 'drin-setup-'));
  await writeFile(
    path.join(scratch, 'nginx.conf'),
    `pid ${scratch}/nginx.pid; error_log ${scratch}/error.log; events {}
     http { access_log off; client_body_temp_path ${scratch}/body; proxy_temp_path ${scratch}/proxy;
       fastcgi_temp_path ${scratch}/fastcgi; uwsgi_temp_path ${scratch}/uwsgi; scgi_temp_path ${scratch}/scgi;
       include ${scratch}/sites-enabled/*.conf; }`,
  );
});
afterAll(async () => {
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await client.query(`DROP ROLE IF EXISTS ${DB}`);
  await client.end();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

async function setup(): Promise<string> {
  const env = {
    PATH: process.env.PATH, HOME: process.env.HOME,
    DOMAIN: 'drin.test', DB_NAME: DB, DB_USER: DB, PORT: '3555',
    ENV_FILE: path.join(scratch, '.env'),
    NGINX_SITES: path.join(scratch, 'sites-available'), NGINX_ENABLED: path.join(scratch, 'sites-enabled'),
    NGINX_TEST: `nginx -t -q -p ${scratch} -c ${path.join(scratch, 'nginx.conf')}`,
    PG_ADMIN_URL: admin,
    SKIP: 'packages build pm2 certbot',
  };
  const { stdout, stderr } = await run('bash', [path.join(ROOT, 'scripts/setup-vps.sh')], { cwd: ROOT, env }).catch((err: { stdout: string; stderr: string; code: number }) => {
    throw new Error(`setup-vps.sh exited ${err.code}:\n${err.stdout}\n${err.stderr}`);
  });
  return stdout + stderr;
}

it('sets up env, database, migrations and the Nginx site, and a second run is a no-op', async () => {
  const first = await setup();
  expect(first).toContain('.env: written with generated');
  expect(first).toContain(`database: created the user ${DB} and the database ${DB}`);
  expect(first).toMatch(/migrations: applied: \d{14}_init/);
  expect(first).toContain('nginx: wrote');

  const envFile = path.join(scratch, '.env');
  const env = await readFile(envFile, 'utf8');
  expect(env).toMatch(/^NODE_ENV=production$/m);
  expect(env).toMatch(/^DRIN_API_KEY=[0-9a-f]{64}$/m);
  expect(env).toMatch(/^SECRETS_KEY=[0-9a-f]{64}$/m);
  expect(env).toMatch(new RegExp(`^DATABASE_URL=postgresql://${DB}:[0-9a-f]{48}@127\\.0\\.0\\.1:5432/${DB}$`, 'm'));
  expect((await stat(envFile)).mode & 0o777).toBe(0o600);
  const site = await readFile(path.join(scratch, 'sites-available/drin.conf'), 'utf8');
  expect(site).toContain('server_name drin.test;');
  expect(site).toContain('server 127.0.0.1:3555;');

  // The user it made can log in with the generated password and finds the migrated schema.
  const url = /^DATABASE_URL=(.+)$/m.exec(env)![1]!;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query('SELECT count(*)::int AS n FROM _prisma_migrations WHERE finished_at IS NOT NULL');
  await client.end();
  expect(rows[0].n).toBeGreaterThan(5);

  const second = await setup();
  expect(second).toContain('.env: kept (it is never overwritten)');
  expect(second).toContain(`database: ${DB} and its user ${DB} already there`);
  expect(second).toContain('migrations: no pending migrations');
  expect(second).toContain('nginx: ');
  expect(second).toMatch(/nginx: .*drin\.conf unchanged/);
  expect(await readFile(envFile, 'utf8')).toBe(env);
}, 180_000);
