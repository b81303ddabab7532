import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import type { Dispatcher } from 'undici-types';

const LOOPBACK = '127.0.0.1';

type DispatcherClass = new (options: { connect: ConnectFn }) => Dispatcher;
type ConnectFn = (
  options: { hostname: string; servername?: string | null },
  callback: (error: Error | null, socket: tls.TLSSocket | null) => void,
) => tls.TLSSocket;

/**
 * The `Agent` class of the undici that runs this process's global `fetch`. Node 20 bundles undici
 * without exporting it (the npm `undici` package is not installed here); once loaded (making a
 * `Response` loads it) the bundle keeps an Agent as the global dispatcher, on the global object of
 * the realm `fetch` comes from. Under jest that is not the test's own `globalThis`, so the realm's
 * global is reached through `fetch`'s own Function constructor. A dispatcher of that very class is
 * one `fetch` is sure to accept, whichever Node version runs.
 */
function fetchAgentClass(): DispatcherClass {
  void new Response('');
  const fetchRealm = (fetch.constructor as FunctionConstructor)('return globalThis')() as Record<symbol, unknown>;
  const current = fetchRealm[Symbol.for('undici.globalDispatcher.1')];
  if (typeof current !== 'object' || current === null) throw new Error('global fetch has no undici dispatcher');
  return current.constructor as DispatcherClass;
}

/** A TLS connection to the media host, whatever host name the URL had; the name is still verified. */
function connectToHost(port: number, ca: string, hostname: string, servername?: string | null): tls.TLSSocket {
  const name = servername || hostname;
  return tls.connect({ host: LOOPBACK, port, ca, servername: net.isIP(name) ? undefined : name, ALPNProtocols: ['http/1.1'] });
}

/**
 * How a Baileys process reaches the loopback media host although Baileys builds `https://` URLs
 * on `mmg.whatsapp.net` (downloads) and on the media_conn host (uploads): every connection is
 * made to 127.0.0.1:port instead, and the host's self-signed certificate is the only one trusted.
 *
 * - `dispatcher`: for global `fetch` (downloads: `downloadMediaMessage(…, { options: { dispatcher } })`,
 *   and Baileys' own downloads through the socket config `options`, e.g. history sync blobs);
 * - `uploadAgent`: Baileys uploads with `node:https` on Node and passes socket config `fetchAgent`.
 */
export function routeMediaTo(port: number, ca: string): { dispatcher: Dispatcher; uploadAgent: https.Agent } {
  const Agent = fetchAgentClass();
  const dispatcher = new Agent({
    connect: ({ hostname, servername }, callback) => {
      const socket = connectToHost(port, ca, hostname, servername);
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
      return connectToHost(port, ca, options.host ?? '', options.servername);
    }
  })({ keepAlive: false });
  return { dispatcher, uploadAgent };
}
