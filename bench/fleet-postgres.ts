// Which daemon process holds what on Postgres. Nothing in session_slots names a slot's owner: the
// owner is whoever holds the slot's advisory lock, on its lock connection (application_name
// `drin-locks <processId>`, a random id the daemon does not print). So a backend is tied to a
// daemon by its client port: the daemon's own sockets (/proc/<pid>/fd) with that local port.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import type pg from 'pg';

interface Backend {
  port: number;
  application: string;
  /** the advisory lock keys it holds, as slotLockKey spells them (signed 64-bit, in text) */
  keys: string[];
}

/** Local TCP port → socket inode, for every TCP socket on the machine (one network namespace). */
function socketPorts(): Map<string, number> {
  const byInode = new Map<string, number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10) continue;
      byInode.set(fields[9]!, parseInt(fields[1]!.split(':').pop()!, 16));
    }
  }
  return byInode;
}

/** The local ports of the sockets process `pid` has open. */
function portsOf(pid: number, byInode: Map<string, number>): Set<number> {
  const ports = new Set<number>();
  let fds: string[] = [];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return ports; // the process is gone
  }
  for (const fd of fds) {
    try {
      const inode = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
      const port = inode && byInode.get(inode);
      if (port) ports.add(port);
    } catch {
      /* closed meanwhile */
    }
  }
  return ports;
}

export interface DaemonHoldings {
  /** the slot lock keys (slotLockKey) each process holds, in the order given */
  slotLocks: Set<string>[];
  /** connections to the database each process has open (pool, lock connection, any other) */
  connections: number[];
  /** slot locks held by a backend none of them owns (a killed process's, not yet released) */
  strayLocks: number;
}

/** What each of the processes `pids` (daemons) holds on the database `pool` points at, right now. */
export async function holdings(pool: pg.Pool, pids: number[]): Promise<DaemonHoldings> {
  const { rows } = await pool.query<Backend>(
    `SELECT a.client_port AS port, a.application_name AS application,
            -- a bigint key is held as two oids, high and low half; the shift wraps as the key did
            ARRAY(SELECT ((l.classid::int8 << 32) | l.objid::int8)::text FROM pg_locks l
                   WHERE l.pid = a.pid AND l.locktype = 'advisory' AND l.granted AND l.objsubid = 1) AS keys
       FROM pg_stat_activity a
      WHERE a.datname = current_database() AND a.pid <> pg_backend_pid() AND a.client_port IS NOT NULL`,
  );
  const byInode = socketPorts();
  const ports = pids.map((pid) => portsOf(pid, byInode));
  const result: DaemonHoldings = { slotLocks: pids.map(() => new Set()), connections: pids.map(() => 0), strayLocks: 0 };
  for (const backend of rows) {
    const owner = ports.findIndex((p) => p.has(backend.port));
    const keys = backend.application.startsWith('drin-locks ') ? backend.keys : [];
    if (owner < 0) {
      result.strayLocks += keys.length;
      continue;
    }
    result.connections[owner]!++;
    for (const key of keys) result.slotLocks[owner]!.add(key);
  }
  return result;
}
