// The zero-setup database: PGlite (Postgres compiled to wasm) with its data under DATA_DIR,
// served over the Postgres wire protocol on loopback so that everything above the connection
// (Prisma, migrations, raw SQL) is the same code as with a real server.
// PGlite is a single backend in this process: fine for one daemon, not for several (use a server).
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Two processes opening one PGlite folder corrupt it, so the folder is claimed with a pid file.
 * A stale claim (its process is gone) is taken over.
 */
async function claimDataDir(dir: string): Promise<() => Promise<void>> {
  const lockFile = path.join(dir, 'drin.pid');
  const holder = Number(await readFile(lockFile, 'utf8').catch(() => ''));
  if (holder && holder !== process.pid && isAlive(holder)) {
    throw new Error(`the embedded database in ${dir} is in use by process ${holder}; stop it first, or set DATABASE_URL to share a Postgres server`);
  }
  await writeFile(lockFile, String(process.pid));
  return () => rm(lockFile, { force: true });
}

export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  const dir = path.resolve(dataDir, 'pglite');
  await mkdir(dir, { recursive: true });
  const release = await claimDataDir(dir);
  let db: PGlite | undefined;
  let server: PGLiteSocketServer;
  try {
    db = await PGlite.create(dir);
    // Port 0: the OS picks a free port, so two checkouts on one machine never collide.
    // Connections only queue for the one backend; the limit just has to exceed what a daemon and
    // its tools open (pool, lock connection, migrations, CLI).
    server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 32 });
    await server.start();
  } catch (err) {
    await db?.close();
    await release();
    throw err;
  }
  const url = `postgresql://postgres@${server.getServerConn()}/postgres?sslmode=disable`;
  return {
    url,
    dataDir: dir,
    async stop() {
      await server.stop();
      await db!.close();
      await release();
    },
  };
}
