// The one error class of the daemon. Every failure a client can see is an AppError with a code
// from ErrorCode; the error middleware turns it into {error:{code,message,requestId,details?}}.

export const ErrorCode = {
  /** The request is malformed in a way no schema names (e.g. a bad header). */
  BAD_REQUEST: 'BAD_REQUEST',
  /** The body, params or query failed the route's zod schema; details lists the issues. */
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  /** The body is not parseable JSON. */
  INVALID_JSON: 'INVALID_JSON',
  /** The body is over BODY_LIMIT. */
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  /** The body has a content type the route does not take. */
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  /** No credentials, or credentials that match nothing. */
  UNAUTHORIZED: 'UNAUTHORIZED',
  /** Valid credentials for something else (another store's key). */
  FORBIDDEN: 'FORBIDDEN',
  /** No such route or resource. */
  NOT_FOUND: 'NOT_FOUND',
  /** The route exists, not for this method (the Allow header names the ones it takes). */
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
  /** The request conflicts with the current state (a duplicate, a slot already running). */
  CONFLICT: 'CONFLICT',
  /** Too many requests; retry after the Retry-After header. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** A route of another API (Evolution's) that Drin does not offer; the message names Drin's own. */
  NOT_IMPLEMENTED: 'NOT_IMPLEMENTED',
  /** A dependency (the database) is unavailable; retry later. */
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  /** A bug or an unexpected failure: the message never carries internals, the log does. */
  INTERNAL: 'INTERNAL',
} as const;

export type TErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const STATUS: Record<TErrorCode, number> = {
  BAD_REQUEST: 400,
  VALIDATION_FAILED: 400,
  INVALID_JSON: 400,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  NOT_IMPLEMENTED: 501,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL: 500,
};

export class AppError extends Error {
  readonly status: number;
  /** Sent as Retry-After (seconds); the error middleware gives every 503 a default. */
  readonly retryAfterSeconds?: number;

  constructor(
    readonly code: TErrorCode,
    message: string,
    readonly details?: unknown,
    options?: { cause?: unknown; retryAfterSeconds?: number },
  ) {
    super(message, options);
    this.name = 'AppError';
    this.status = STATUS[code];
    if (options?.retryAfterSeconds !== undefined) this.retryAfterSeconds = options.retryAfterSeconds;
  }
}
