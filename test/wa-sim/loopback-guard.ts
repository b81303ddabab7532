import net from 'node:net';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost', '::ffff:127.0.0.1']);

export interface LoopbackGuard {
  /** every connection attempt that was not to loopback (each was blocked) */
  readonly violations: string[];
  uninstall(): void;
}

function targetOf(args: unknown[]): { host?: string; path?: string } {
  const [first, second] = args;
  if (typeof first === 'object' && first !== null) {
    const options = first as { host?: string; path?: string };
    return options.path ? { path: options.path } : { host: options.host ?? 'localhost' };
  }
  if (typeof first === 'string' && Number.isNaN(Number(first))) return { path: first };
  return { host: typeof second === 'string' ? second : 'localhost' };
}

/**
 * Test guard: every TCP connection made by this process must go to loopback. A connection to
 * anything else is refused (the socket errors) and recorded, so a suite can assert none happened.
 */
export function installLoopbackGuard(): LoopbackGuard {
  const violations: string[] = [];
  const original = net.Socket.prototype.connect;
  const guarded = function (this: net.Socket, ...args: unknown[]) {
    const { host, path } = targetOf(args);
    if (!path && host !== undefined && !LOOPBACK_HOSTS.has(host)) {
      violations.push(host);
      process.nextTick(() => this.destroy(new Error(`blocked non-loopback connection to ${host}`)));
      return this;
    }
    return (original as (...a: unknown[]) => net.Socket).apply(this, args);
  };
  net.Socket.prototype.connect = guarded as typeof net.Socket.prototype.connect;
  return {
    violations,
    uninstall: () => {
      if (net.Socket.prototype.connect === guarded) net.Socket.prototype.connect = original;
    },
  };
}
