// Test-only (WA_MEDIA_HOST + WA_MEDIA_CA, refused in production): Baileys builds its media URLs
// on WhatsApp's hosts (`https://mmg.whatsapp.net/…`), so a daemon pointed at the simulator must
// send those connections to the simulator's media host instead, trusting only its certificate.
// Production passes nothing and Baileys reaches WhatsApp with Node's defaults.
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import type { Dispatcher } from 'undici-types';

type ConnectFn = (
  options: { hostname: string; servername?: string | null },
  callback: (error: Error | null, socket: tls.TLSSocket | null) => void,
) => tls.TLSSocket;
type DispatcherClass = new (options: { connect: ConnectFn }) => Dispatcher;

export interface MediaFetch {
  /** RequestInit for global fetch (Baileys' downloads): socket config `options`, downloadMediaMessage's `options` */
  requestInit: RequestInit & { dispatcher: Dispatcher };
  /** socket config `fetchAgent` (Baileys uploads with node:https) */
  uploadAgent: https.Agent;
}

/**
 * The undici `Agent` class behind this process's global fetch: Node bundles undici without
 * exporting it (the npm package is not a dependency) and keeps an instance as the global
 * dispatcher, on the global object of the realm `fetch` belongs to (under jest not the test's
 * own), reached through `fetch`'s Function constructor.
 */
function fetchAgentClass(): DispatcherClass {
  void new Response('');
  const realm = (fetch.constructor as FunctionConstructor)('return globalThis')() as Record<symbol, unknown>;
  const current = realm[Symbol.for('undici.globalDispatcher.1')];
  if (typeof current !== 'object' || current === null) throw new Error('global fetch has no undici dispatcher');
  return current.constructor as DispatcherClass;
}

export function routeMediaTo({ host, caPem }: { host: string; caPem: string }): MediaFetch {
  const at = host.lastIndexOf(':');
  const address = host.slice(0, at).replace(/^\[|\]$/g, '');
  const port = Number(host.slice(at + 1));
  // The URL's host name is still what the certificate must name.
  const dial = (hostname: string, servername?: string | null) => {
    const name = servername || hostname;
    return tls.connect({ host: address, port, ca: caPem, servername: net.isIP(name) ? undefined : name, ALPNProtocols: ['http/1.1'] });
  };
  const Agent = fetchAgentClass();
  const dispatcher = new Agent({
    connect: ({ hostname, servername }, callback) => {
      const socket = dial(hostname, servername);
      const failed = (error: Error) => callback(error, null);
      socket.once('error', failed).once('secureConnect', () => {
        socket.off('error', failed);
        callback(null, socket);
      });
      return socket;
    },
  });
  const uploadAgent = new (class extends https.Agent {
    override createConnection(options: tls.ConnectionOptions & { host?: string }): tls.TLSSocket {
      return dial(options.host ?? '', options.servername);
    }
  })({ keepAlive: false });
  return { requestInit: { dispatcher }, uploadAgent };
}
