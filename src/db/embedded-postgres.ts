// The zero-setup database: PGlite (Postgres compiled to wasm) with its data under DATA_DIR,
// served over the Postgres wire protocol on loopback so that everything above the connection
// (Prisma, migrations, raw SQL) is the same code as with a real server.
// PGlite is a single backend in this process: fine for one daemon, not for several (use a server).
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  const dir = path.resolve(dataDir, 'pglite');
  await mkdir(dir, { recursive: true });
  const db = await PGlite.create(dir);
  // Port 0: the OS picks a free port, so two checkouts on one machine never collide.
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 8 });
  await server.start();
  const url = `postgresql://postgres@${server.getServerConn()}/postgres?sslmode=disable`;
  return {
    url,
    dataDir: dir,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
