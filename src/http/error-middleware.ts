// Maps every error to the one response shape. AppErrors keep their code; zod failures become
// 400 with the issues; body-parser and router errors become 400/413/415; WhatsApp (Boom) and
// database errors — unique 409, not found 404, unavailable 503… — are mapped in
// dependency-errors.ts; anything else is a 500 whose message hides internals and whose
// requestId points to the log line that has them. Every 503 carries Retry-After.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError } from 'zod';
import { AppError, ErrorCode } from '../kernel/index.js';
import { causeSummary, databaseErrorToAppError, DEFAULT_RETRY_AFTER_SECONDS, whatsappErrorToAppError } from './dependency-errors.js';

interface HttpError {
  type?: unknown;
  status: number;
  expose?: unknown;
}

/**
 * A 4xx from Express's own stack: body-parser's errors (http-errors: `status`, `expose`, and a
 * `type` unless it wraps a stream error, e.g. zlib's for a body that is not the gzip it claims),
 * and the router's URIError for a path that is not valid percent-encoding (`status` only). Other
 * libraries' errors with a `status` (an HTTP client's, say) are not ours to pass on as 4xx.
 */
const isUriError = (err: unknown) => (err as Error).name === 'URIError';

function isExpressHttpError(err: unknown): err is HttpError {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as Partial<HttpError>;
  return typeof e.status === 'number' && (typeof e.type === 'string' || typeof e.expose === 'boolean' || isUriError(err));
}

export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof ZodError) {
    const issues = err.issues.map((i) => ({ path: i.path.join('.'), code: i.code, message: i.message }));
    return new AppError(ErrorCode.VALIDATION_FAILED, 'The request does not match the expected schema', issues);
  }
  if (isExpressHttpError(err)) {
    if (isUriError(err)) return new AppError(ErrorCode.BAD_REQUEST, 'The path is not valid percent-encoding');
    if (err.type === 'entity.parse.failed') return new AppError(ErrorCode.INVALID_JSON, 'The body is not valid JSON');
    if (err.type === 'entity.too.large') return new AppError(ErrorCode.PAYLOAD_TOO_LARGE, 'The body is too large');
    if (err.type === 'encoding.unsupported' || err.type === 'charset.unsupported') {
      return new AppError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, 'The body encoding is not supported');
    }
    if (err.status && err.status < 500) return new AppError(ErrorCode.BAD_REQUEST, 'The request body could not be read');
  }
  // WhatsApp first: a Boom may wrap a socket error that is WhatsApp's, not the database's.
  const dependency = whatsappErrorToAppError(err) ?? databaseErrorToAppError(err);
  if (dependency) return dependency;
  return new AppError(ErrorCode.INTERNAL, 'Internal error', undefined, { cause: err });
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new AppError(ErrorCode.NOT_FOUND, `No route for ${req.method} ${req.path}`));
};

/** The body of an error answer. Drin's own everywhere; a compatibility API's on its routes. */
export type ErrorBody = (error: AppError, requestId: string) => unknown;

const drinErrorBody: ErrorBody = (e, requestId) => ({
  error: { code: e.code, message: e.message, requestId, ...(e.details !== undefined ? { details: e.details } : {}) },
});

/** The one error middleware: every error logged and answered the same way, in `body`'s shape. */
export function createErrorMiddleware(body: ErrorBody = drinErrorBody): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const appError = toAppError(err);
    if (appError.code === ErrorCode.INTERNAL) req.log.error({ err }, 'request failed');
    else if (appError.status >= 500) req.log.warn({ code: appError.code, status: appError.status, cause: causeSummary(err) }, appError.message);
    else req.log.info({ code: appError.code, status: appError.status, ...(appError !== err ? { cause: causeSummary(err) } : {}) }, appError.message);
    if (res.headersSent) return;
    const retryAfter = appError.retryAfterSeconds ?? (appError.status === 503 ? DEFAULT_RETRY_AFTER_SECONDS : undefined);
    if (retryAfter !== undefined) res.set('Retry-After', String(retryAfter));
    res.status(appError.status).json(body(appError, String(req.id)));
  };
}

export const errorMiddleware: ErrorRequestHandler = createErrorMiddleware();
