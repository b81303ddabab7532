// The root pino logger. Children carry requestId / storeId / slot / component; nothing logs
// through a global. Secrets are removed here, by configuration, so no call site can forget.
import { pino, type Logger, type LoggerOptions } from 'pino';
import { CENSOR, redactForLog, scrubString } from './redact.js';

/** Query parameters whose values never reach a log line (the legacy MCP `?token=` among them). */
const SECRET_QUERY_PARAMS = ['token', 'apikey', 'api_key', 'key', 'secret', 'access_token'];

/**
 * The request and response shapes pino's stock serializers print (headers included), in case a
 * call site logs a raw `req`/`res`: a second lock behind redactForLog, which leaves those two to
 * their serializers.
 */
export const REDACT_PATHS = ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]', 'res.headers["set-cookie"]'];

export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  for (const name of [...params.keys()]) {
    if (SECRET_QUERY_PARAMS.includes(name.toLowerCase())) params.set(name, '[Redacted]');
  }
  return `${url.slice(0, q)}?${params.toString()}`;
}

function redactInterpolated(this: Logger, args: Parameters<Logger['info']>, method: (...args: unknown[]) => void): void {
  const first = typeof args[0] === 'string' ? 1 : 2;
  for (let i = first; i < args.length; i++) {
    const arg: unknown = args[i];
    if (typeof arg === 'object' && arg !== null) (args as unknown[])[i] = redactForLog(arg);
  }
  method.apply(this, args);
}

const { chindingsSym } = pino.symbols;
type WithBindings = Logger & { [chindingsSym]: string };

/**
 * pino stores a child's bindings as a ready JSON fragment (`,"k":v…`, the parent's first). Only
 * the part this child added is parsed and cleaned — once per child, not per line.
 */
function redactChildBindings(child: Logger): void {
  const own = child as WithBindings;
  const inherited = (Object.getPrototypeOf(child) as Partial<WithBindings>)[chindingsSym] ?? '';
  const all = own[chindingsSym];
  if (typeof all !== 'string' || !all.startsWith(inherited) || all.length === inherited.length) return;
  let added: unknown;
  try {
    added = JSON.parse(`{${all.slice(inherited.length + 1)}}`);
  } catch {
    return;
  }
  const clean = redactForLog(added);
  if (clean === added) return;
  const inner = JSON.stringify(clean).slice(1, -1);
  own[chindingsSym] = inner ? `${inherited},${inner}` : inherited;
}

export function createLogger(opts: { level: string; pretty?: boolean }, destination?: pino.DestinationStream): Logger {
  const options: LoggerOptions = {
    level: opts.level,
    redact: { paths: REDACT_PATHS, censor: CENSOR },
    // Every logged object, at any depth: runs only for lines that are written (pino skips disabled
    // levels before this), and copies nothing when there is nothing to hide.
    formatters: { log: redactForLog, bindings: redactForLog },
    // The message, after %s interpolation and when pino takes it from an error's message.
    serializers: { msg: (msg: unknown) => (typeof msg === 'string' ? scrubString(msg) : msg) },
    // Objects interpolated into the message with %o / %j.
    hooks: { logMethod: redactInterpolated },
    // A child's bindings bypass formatters.bindings (pino resets it for children).
    onChild: redactChildBindings,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (destination) return pino(options, destination);
  // Pretty output only for a human at a terminal; PM2 and CI get JSON lines.
  if (opts.pretty) return pino({ ...options, transport: { target: 'pino-pretty', options: { colorize: true } } });
  return pino(options);
}
