// The root pino logger. Children carry requestId / storeId / slot / component; nothing logs
// through a global. Secrets are removed here, by configuration, so no call site can forget.
import { pino, type Logger, type LoggerOptions } from 'pino';

/** Query parameters whose values never reach a log line (the legacy MCP `?token=` among them). */
const SECRET_QUERY_PARAMS = ['token', 'apikey', 'api_key', 'key', 'secret', 'access_token'];

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.apiKey',
  '*.adminApiKey',
  '*.secretsKey',
  '*.token',
  '*.secret',
  '*.password',
  'apiKey',
  'token',
  'secret',
  'password',
];

export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  for (const name of [...params.keys()]) {
    if (SECRET_QUERY_PARAMS.includes(name.toLowerCase())) params.set(name, '[Redacted]');
  }
  return `${url.slice(0, q)}?${params.toString()}`;
}

export function createLogger(opts: { level: string; pretty?: boolean }, destination?: pino.DestinationStream): Logger {
  const options: LoggerOptions = {
    level: opts.level,
    redact: { paths: REDACT_PATHS, censor: '[Redacted]' },
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (destination) return pino(options, destination);
  // Pretty output only for a human at a terminal; PM2 and CI get JSON lines.
  if (opts.pretty) return pino({ ...options, transport: { target: 'pino-pretty', options: { colorize: true } } });
  return pino(options);
}
