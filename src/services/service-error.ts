/**
 * Errors services raise for users: a stable code, the HTTP status that fits it, a message a person
 * can act on. Routes never invent their own; the app's error handler turns these into JSON.
 */
export const SERVICE_ERRORS = {
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  invalid_request: 400,
  invalid_parameters: 400,
  insufficient_credits: 402,
  conflict: 409,
  idempotency_conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  upload_not_ready: 409,
  rate_limited: 429,
  provider_not_configured: 503,
  service_unavailable: 503,
} as const;

export type ServiceErrorCode = keyof typeof SERVICE_ERRORS;

export class ServiceError extends Error {
  override readonly name = 'ServiceError';
  readonly code: ServiceErrorCode | (string & {});
  readonly status: number;
  readonly details?: Record<string, unknown>;
  /** Seconds, for 429 and 503 answers. */
  readonly retryAfter?: number;

  constructor(
    code: ServiceErrorCode | (string & {}),
    status: number,
    message: string,
    details?: Record<string, unknown>,
    retryAfter?: number,
  ) {
    super(message);
    this.code = code;
    this.status = status;
    this.details = details;
    this.retryAfter = retryAfter;
  }

  static of(code: ServiceErrorCode, message: string, details?: Record<string, unknown>): ServiceError {
    return new ServiceError(code, SERVICE_ERRORS[code], message, details);
  }
}

export function notFound(what: string): ServiceError {
  return ServiceError.of('not_found', `${what} was not found`);
}
